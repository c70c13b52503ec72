"""What the performance work must not change: outputs, checks and correctness (issue 7).

Not timing tests (bench/suite.py measures): a parallel build with its warm-up gives the same
bytes as a build in one process; doit hands released tasks out in the order they are
declared; the HarfBuzz font subset has the glyphs, outlines and licence the fontTools one
has; WeasyPrint's array allocations are unchanged by the declaration cache; the pandoc
binary is the bundled one.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import FLAGSHIP, ROOT

DOIT = [sys.executable, "-m", "doit"]


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_parallel_build_with_warm_up_gives_the_bytes_of_a_serial_build(tmp_path):
    shutil.copy(ROOT / "dodo.py", tmp_path / "dodo.py")
    shutil.copytree(FLAGSHIP, tmp_path / "manuscript" / "chollima")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PUBPIPE_JOBS="2")
    parallel = subprocess.run(DOIT, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert parallel.returncode == 0, parallel.stdout + parallel.stderr
    ran = [line[3:] for line in parallel.stdout.splitlines() if line.startswith(".  ")]
    assert sorted(ran) == ["epub:chollima", "html:chollima", "jats:chollima", "pdf:chollima"], ran
    first = _digests(tmp_path / "output" / "chollima")
    shutil.rmtree(tmp_path / "output")
    serial = subprocess.run([*DOIT, "-n", "0"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert serial.returncode == 0, serial.stdout + serial.stderr
    assert _digests(tmp_path / "output" / "chollima") == first


def test_default_jobs(monkeypatch):
    from pubpipe import workers

    monkeypatch.setenv("PUBPIPE_JOBS", "3")
    assert workers.default_jobs(1) == 3
    monkeypatch.setenv("PUBPIPE_JOBS", "0")
    assert workers.default_jobs(30) == 0
    monkeypatch.delenv("PUBPIPE_JOBS")
    monkeypatch.setattr(workers, "cpu_count", lambda: 1)
    assert workers.default_jobs(30) == 0  # one CPU: doit's in-process runner
    monkeypatch.setattr(workers, "cpu_count", lambda: 64)
    assert workers.default_jobs(1) == 3 and workers.default_jobs(30) == workers.MAX_DEFAULT_JOBS


def test_tasks_released_together_are_dispatched_in_declared_order(tmp_path, monkeypatch):
    """Once the JATS is made, the PDF (declared first) is handed out before the web page and the EPUB."""
    from doit.cmd_base import ModuleTaskLoader
    from doit.doit_cmd import DoitMain
    from doit.runner import MRunner

    from pubpipe import workers

    workers.install(set())
    dispatched = []
    get_next_job = MRunner.get_next_job

    def recording(self, completed):
        job = get_next_job(self, completed)
        if getattr(job, "name", None):
            dispatched.append(job.name.split(":")[-1])
        return job

    monkeypatch.setattr(MRunner, "get_next_job", recording)
    names = ["jats", "pdf", "html", "epub", "extra1", "extra2", "extra3"]

    def task_stage():
        yield {"name": "jats", "actions": [lambda: None], "targets": [str(tmp_path / "a.xml")]}
        for name in names[1:]:
            yield {"name": name, "actions": [lambda: None], "file_dep": [str(tmp_path / "a.xml")]}

    (tmp_path / "a.xml").write_text("x")
    namespace = {"task_stage": task_stage,
                 "DOIT_CONFIG": {"dep_file": str(tmp_path / ".doit.db"), "verbosity": 0,
                                 "default_tasks": [f"stage:{n}" for n in names]}}
    for _ in range(3):
        dispatched.clear()
        assert DoitMain(ModuleTaskLoader(namespace)).run(["-n", "2", "-P", "thread", "--always-execute"]) == 0
        assert dispatched == names


def _font_subset(face: str, text: str, subsetter: str, monkeypatch) -> bytes | None:
    from pubpipe import cjk_font

    monkeypatch.setenv("PUBPIPE_FONT_SUBSETTER", subsetter)
    cjk_font._harfbuzz.cache_clear()
    try:
        return cjk_font.subset_font(face, text)
    finally:
        cjk_font._harfbuzz.cache_clear()


def test_harfbuzz_font_subset_matches_fonttools(monkeypatch):
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    from pubpipe import cjk_font

    if not cjk_font.find_font_file():
        pytest.skip("Noto Serif CJK is not installed here (Debian fonts-noto-cjk)")
    text = "朝鲜千里马运动与中国大跃进：沈志华「比较研究」。"
    fast = _font_subset("sc", text, "harfbuzz", monkeypatch)
    if cjk_font._harfbuzz() is None:  # pragma: no cover - machines without libharfbuzz-subset
        pytest.skip("libharfbuzz-subset is not installed: fontTools subsets")
    slow = _font_subset("sc", text, "fonttools", monkeypatch)
    assert fast and slow
    assert fast == _font_subset("sc", text, "harfbuzz", monkeypatch), "the subset is deterministic"
    a, b = TTFont(io.BytesIO(fast)), TTFont(io.BytesIO(slow))
    assert a["name"].getDebugName(1) == "Noto Serif CJK SC"
    assert "Open Font License" in a["name"].getDebugName(13)
    assert {(n.nameID, n.platformID, n.langID) for n in a["name"].names} == \
        {(n.nameID, n.platformID, n.langID) for n in b["name"].names}
    assert set(a.keys()) == set(b.keys())  # BASE, VORG, vhea/vmtx, GSUB/GPOS … all kept

    def drawing(font, ch):
        glyphs = font.getGlyphSet()
        name = font.getBestCmap()[ord(ch)]
        pen = DecomposingRecordingPen(glyphs)
        glyphs[name].draw(pen)
        return pen.value, font["hmtx"][name], font["vmtx"][name]

    for ch in set(text):
        assert drawing(a, ch) == drawing(b, ch), ch
    features = {r.FeatureTag for r in a["GSUB"].table.FeatureList.FeatureRecord}
    assert features == {r.FeatureTag for r in b["GSUB"].table.FeatureList.FeatureRecord}


def test_cjk_characters_found_by_regex_are_those_in_range():
    from pubpipe import cjk_font

    sample = "Kim Il-sung 金日成 (김일성) said 「千里马」 — ｆｕｌｌ 𠀀 ａ"
    assert cjk_font.cjk_chars(sample) == {ch for ch in sample if cjk_font.in_range(ch)}


def test_weasyprint_array_allocation_is_unchanged():
    from weasyprint.text.ffi import ffi

    from pubpipe import weasy_patches

    new = weasy_patches._new_with_open_arrays(getattr(ffi.new, "__wrapped__", ffi.new))
    values = [5, 3, 9]
    array = new(f"hb_codepoint_t[{len(values)}]", values)
    assert list(array) == values and ffi.sizeof(array) == 4 * len(values)
    assert ffi.sizeof(new("char[4]")) == 4 and bytes(ffi.buffer(new("char[4]"))) == b"\0" * 4
    assert list(new("hb_codepoint_t[4]", [1, 2])) == [1, 2, 0, 0]  # fewer values: left to cffi as it was
    assert new("unsigned int *", 100)[0] == 100


def test_pandoc_is_the_bundled_binary(monkeypatch):
    from pubpipe import pandoc

    pandoc.pandoc_path.cache_clear()
    monkeypatch.delenv("PYPANDOC_PANDOC", raising=False)
    try:
        path = Path(pandoc.pandoc_path())
        assert path.name == "pandoc" and path.parent.name == "files" and path.parent.parent.name == "pypandoc"
        monkeypatch.setenv("PYPANDOC_PANDOC", "/opt/other/pandoc")
        pandoc.pandoc_path.cache_clear()
        assert pandoc.pandoc_path() == "/opt/other/pandoc"
    finally:
        pandoc.pandoc_path.cache_clear()
