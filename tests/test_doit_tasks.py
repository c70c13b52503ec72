"""doit: tasks per manuscript and stage, a second run does nothing, an edit rebuilds only its manuscript."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import FIXTURES, ROOT

DOIT = [sys.executable, "-m", "doit"]


@pytest.fixture
def project(tmp_path):
    """A project folder with dodo.py and two small manuscripts."""
    shutil.copy(ROOT / "dodo.py", tmp_path / "dodo.py")
    (tmp_path / "manuscript").mkdir()
    shutil.copytree(FIXTURES / "figures-article", tmp_path / "manuscript" / "alpha")
    (tmp_path / "manuscript" / "alpha" / "figures-article.md").rename(tmp_path / "manuscript" / "alpha" / "alpha.md")
    beta = tmp_path / "manuscript" / "beta"
    beta.mkdir()
    (beta / "beta.md").write_text("---\ntitle: Beta\n---\n\nA paragraph.[^1]\n\n[^1]: A note.\n", encoding="utf-8")
    return tmp_path


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([*DOIT, *args], cwd=project, capture_output=True, text=True, env=env, timeout=600)


def executed(output: str) -> list[str]:
    return sorted(line[3:].strip() for line in output.splitlines() if line.startswith(".  "))


def test_doit_builds_then_does_nothing_then_rebuilds_only_the_edit(project):
    listing = run(project, "list", "--all").stdout
    assert "jats:alpha" in listing and "jats:beta" in listing
    first = run(project)
    assert first.returncode == 0, first.stderr
    assert "jats:alpha" in executed(first.stdout) and "jats:beta" in executed(first.stdout)
    assert (project / "output" / "alpha" / "alpha.xml").is_file()
    second = run(project)
    assert second.returncode == 0 and executed(second.stdout) == [], second.stdout
    md = project / "manuscript" / "beta" / "beta.md"
    md.write_text(md.read_text().replace("A paragraph.", "An edited paragraph."), encoding="utf-8")
    third = run(project)
    assert third.returncode == 0
    assert executed(third.stdout) and all(t.endswith(":beta") for t in executed(third.stdout)), third.stdout
    assert "edited" in (project / "output" / "beta" / "beta.xml").read_text()


def test_failed_build_reports_without_traceback_and_keeps_previous_output(project):
    assert run(project).returncode == 0
    good = (project / "output" / "beta" / "beta.xml").read_bytes()
    md = project / "manuscript" / "beta" / "beta.md"
    md.write_text("---\ntitle: Beta\nauthor:\n  - name: X\n    orcid: nope\n---\n\nText.\n", encoding="utf-8")
    result = run(project)
    assert result.returncode != 0
    assert "beta.md:5: front matter 'author.0.orcid': 'nope' is not an ORCID iD" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (project / "output" / "beta" / "beta.xml").read_bytes() == good
    assert not list((project / "output" / "beta").glob(".*.part"))


def test_clean_removes_only_outputs(project):
    assert run(project, "pdf_variants=pdf/a-3b,print").returncode == 0
    assert (project / "output" / "alpha" / "alpha.pdfa.pdf").is_file()
    sources = sorted(p for p in (project / "manuscript").rglob("*") if p.is_file())
    assert run(project, "clean").returncode == 0
    leftovers = [p for p in (project / "output").rglob("*") if p.is_file() and not p.name.startswith(".doit")]
    assert leftovers == [], leftovers
    assert sorted(p for p in (project / "manuscript").rglob("*") if p.is_file()) == sources


def test_pubpipe_build_and_check_cli(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    cli = [sys.executable, "-m", "pubpipe.cli"]
    built = subprocess.run([*cli, "build", str(FIXTURES / "figures-article"), "-o", str(tmp_path)],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "figures-article" / "figures-article.xml").is_file()
    checked = subprocess.run([*cli, "check", str(FIXTURES / "figures-article")], capture_output=True, text=True,
                             env=env, cwd=ROOT)
    assert checked.returncode == 0 and "valid JATS 1.3" in checked.stdout
    missing = subprocess.run([*cli, "check", str(tmp_path / "nowhere")], capture_output=True, text=True,
                             env=env, cwd=ROOT)
    assert missing.returncode == 1 and "there is no manuscript folder here" in missing.stderr
    assert "Traceback" not in missing.stderr
