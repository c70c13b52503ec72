"""Han, Hangul and kana each in their Noto Serif CJK face; the preview script."""

from __future__ import annotations

import shutil
import subprocess
import sys

from pdf_build import ROOT

from pubpipe.pdf_checks import squeeze
from pubpipe.pipeline import make_jats
from pubpipe.render_pdf import make_pdf

SCRIPTS = """---
title: "Hangul and kana"
author: [Jo Writer]
lang: en
---

The Chollima (천리마, 千里馬) and the Japanese word かな in running text.
"""


def test_each_cjk_script_in_its_own_face(manuscript_dir, tmp_path):
    folder = manuscript_dir(SCRIPTS)
    jats = make_jats(folder, tmp_path / "paper.xml")
    make_pdf(jats, tmp_path / "paper.pdf", folder)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "paper.pdf")], capture_output=True, text=True).stdout
    for face in ("Noto-Serif-CJK-KR", "Noto-Serif-CJK-SC", "Noto-Serif-CJK-JP"):
        assert face in fonts, (face, fonts)
    text = subprocess.run(["pdftotext", str(tmp_path / "paper.pdf"), "-"], capture_output=True, text=True).stdout
    assert squeeze("(천리마, 千里馬)") in squeeze(text) and "かな" in text


def test_preview_script_writes_the_first_pages(flagship, tmp_path):
    out = tmp_path / "output" / "chollima"
    out.mkdir(parents=True)
    shutil.copy(flagship.pdf, out / "chollima.pdf")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "preview.py"), "chollima", "--output-root",
                    str(tmp_path / "output"), "--pages", "2", "--dpi", "30"], check=True, capture_output=True)
    assert sorted(p.name for p in (out / "preview").iterdir()) == ["page-1.png", "page-2.png"]
