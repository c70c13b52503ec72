"""Every user error ends `pubpipe build` with one readable paragraph, a non-zero exit and no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import ROOT
from pubpipe import pandoc
from pubpipe.errors import UserError

GOOD_REF = [{"id": "a", "type": "book", "title": "A", "issued": {"date-parts": [[2020]]}}]

# case: (markdown, references (list, raw text, or None), extra files, expected fragments of the message)
CASES = {
    "malformed-yaml": ("---\ntitle: T\nauthor: [x\n---\nBody.\n", None, {},
                       ["paper.md:", "front matter is malformed"]),
    "wrong-type": ("---\ntitle: T\nkeywords: {a: b}\n---\nBody.\n", None, {},
                   ["paper.md:3:", "'keywords'", "expected a list"]),
    "missing-bibliography": ("---\ntitle: T\nbibliography: refs.json\n---\nBody [@a].\n", None, {},
                             ["paper.md:", "'refs.json' named in the front matter does not exist"]),
    "malformed-bibliography": ("---\ntitle: T\n---\nBody [@a].\n", '[{"id": "a", "type": "book",,}]', {},
                               ["references.json:1:", "CSL-JSON is malformed"]),
    "not-utf8-bibliography": ("---\ntitle: T\n---\nBody [@a].\n", b"\xff\xfe[]", {},
                              ["references.json:", "not UTF-8"]),
    "bad-entry-field": ("---\ntitle: T\n---\nBody [@a].\n",
                        [{"id": "a", "type": "book", "title": "A", "issued": {"date-parts": [["soon"]]}}], {},
                        ["references.json:", "entry 'a'", "'issued'", "not a number"]),
    "bad-entry-type": ("---\ntitle: T\n---\nBody [@a].\n", [{"id": "a", "type": "novel", "title": "A"}], {},
                       ["references.json:", "entry 'a'", "not a CSL type"]),
    "duplicate-keys": ("---\ntitle: T\n---\nBody [@a].\n", GOOD_REF + GOOD_REF, {},
                       ["references.json:", "'a' is used by two entries"]),
    "unknown-citation-key": ("---\ntitle: T\n---\n\nBody [@zzz].\n", GOOD_REF, {},
                             ["paper.md:5:", "'@zzz' is not in the bibliography"]),
    "missing-figure": ("---\ntitle: T\n---\n\n![A](figures/no.png){#fig-a fig-alt=\"a\"}\n", None, {},
                       ["paper.md:5:", "'figures/no.png' does not exist"]),
    "fake-png": ("---\ntitle: T\n---\n\n![A](figures/a.png){#fig-a fig-alt=\"a\"}\n", None,
                 {"figures/a.png": b"GIF89a not a png"}, ["paper.md:5:", "is not a PNG file"]),
    "duplicate-label": ("---\ntitle: T\n---\n\n# A {#sec-a}\n\n# B {#sec-a}\n", None, {},
                        ["paper.md:", "'sec-a' is used twice"]),
    "no-title": ("---\nauthor: X\n---\nBody.\n", None, {}, ["paper.md:", "has no 'title'"]),
    "control-character": ("---\ntitle: T\n---\n\nBad \x07 bell.\n", None, {}, ["paper.md:5:", "U+0007"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_user_error_is_one_clear_paragraph(case, tmp_path, manuscript_dir):
    md, refs, files, fragments = CASES[case]
    folder = manuscript_dir(md, references=refs if isinstance(refs, list) else None, files=files)
    if isinstance(refs, str):
        (folder / "references.json").write_text(refs, encoding="utf-8")
    elif isinstance(refs, bytes):
        (folder / "references.json").write_bytes(refs)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "pubpipe.cli", "build", str(folder), "-o", str(tmp_path / "o")],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    for fragment in fragments:
        assert fragment in output, output
    assert not list((tmp_path / "o").rglob("*.xml"))


def test_debug_flag_shows_traceback(tmp_path, manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\nkeywords: {a: b}\n---\nBody.\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    result = subprocess.run([sys.executable, "-m", "pubpipe.cli", "--debug", "check", str(folder)],
                            capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_pandoc_failure_is_a_user_error(monkeypatch, tmp_path):
    script = tmp_path / "fake-pandoc"
    script.write_text("#!/bin/sh\necho 'pandoc: simulated parse failure at line 3' >&2\nexit 64\n")
    script.chmod(0o755)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: str(script))
    with pytest.raises(UserError) as info:
        pandoc.markdown_to_ast("text", tmp_path / "paper.md")
    assert "pandoc could not read it: pandoc: simulated parse failure at line 3" in str(info.value)
    assert str(info.value).startswith(f"{tmp_path / 'paper.md'}:")
