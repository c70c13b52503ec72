"""Nothing lost, nothing different: atomic outputs, interrupts, untouched sources, deterministic bytes."""

from __future__ import annotations

import hashlib
import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import FIXTURES, ROOT
from pubpipe import atomic
from pubpipe.errors import UserError
from pubpipe.pipeline import make_jats
from pubpipe.tasks import RENDITIONS


def build_all(folder: Path, out: Path) -> dict[str, Path]:
    """The JATS and every registered rendition of *folder*, into *out*."""
    slug = folder.name
    paths = {"jats": make_jats(folder, out / f"{slug}.xml")}
    for name, ext, spec, _doc in RENDITIONS:
        module, function = spec.split(":")
        target = out / f"{slug}.{ext}"
        getattr(importlib.import_module(module), function)(paths["jats"], target, folder)
        paths[name] = target
    return paths


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_give_identical_bytes(tmp_path):
    first = build_all(FIXTURES / "figures-article", tmp_path / "a")
    second = build_all(FIXTURES / "figures-article", tmp_path / "b")
    for name in first:
        assert digest(first[name]) == digest(second[name]), f"{name} differs between two builds"


def test_atomic_write_keeps_old_file_when_writer_fails(tmp_path):
    target = tmp_path / "out.xml"
    atomic.write_text(target, "old")
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("writer died")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]


def test_failed_build_leaves_previous_output_and_sources_untouched(tmp_path, manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\n---\n\nGood [@a].\n", references=[{"id": "a", "type": "book",
                                                                               "title": "A"}])
    out = tmp_path / "out" / "paper.xml"
    make_jats(folder, out)
    good = out.read_bytes()
    (folder / "paper.md").write_text("---\ntitle: T\n---\n\nBad [@missing].\n", encoding="utf-8")
    sources = {p: digest(p) for p in folder.rglob("*") if p.is_file()}
    with pytest.raises(UserError):
        make_jats(folder, out)
    assert out.read_bytes() == good
    assert {p: digest(p) for p in folder.rglob("*") if p.is_file()} == sources
    assert sorted(p.name for p in out.parent.iterdir()) == ["paper.xml"]


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 3.0])
def test_interrupt_leaves_no_partial_file(tmp_path, delay):
    """SIGINT at any moment: each output is either the previous complete file or absent, never partial."""
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-m", "pubpipe.cli", "build", str(FIXTURES / "figures-article"), "-o", str(out)]
    assert subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True).returncode == 0
    before = {p.name: digest(p) for p in (out / "figures-article").iterdir() if p.is_file()}
    proc = subprocess.Popen([*cmd, "--always"], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=120)
    after = {p.name: digest(p) for p in (out / "figures-article").iterdir() if p.is_file()}
    assert not [n for n in after if n.endswith(".part")], after
    assert set(after) == set(before)
    # Each output is byte-identical to the previous build (builds are deterministic): complete, not torn.
    assert after == before
