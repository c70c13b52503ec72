"""The validator rejects broken JATS with messages a person can act on."""

import copy

import pytest
from lxml import etree

from support import FIXTURES
from pubpipe.errors import UserError
from pubpipe.jats import parse_jats
from pubpipe.manuscript import load_manuscript
from pubpipe.markdown_to_jats import markdown_to_jats
from pubpipe.validate import check, validate


@pytest.fixture(scope="module")
def good():
    return markdown_to_jats(load_manuscript(FIXTURES / "figures-article")).tree


def test_good_document_has_no_problems(good):
    assert validate(good) == []


def test_dangling_rid_is_reported(good):
    tree = copy.deepcopy(good)
    xref = tree.find(".//xref[@ref-type='fig']")
    xref.set("rid", "fig-nowhere")
    problems = [str(p) for p in validate(tree)]
    assert any("rid=\"fig-nowhere\"> points to no element" in p for p in problems), problems


def test_element_in_wrong_place_is_reported_with_jats_line(good):
    tree = copy.deepcopy(good)
    body = tree.find("body")
    body.insert(0, etree.Element("article-title"))
    body[0].text = "misplaced"
    problems = [str(p) for p in validate(tree)]
    assert any("JATS DTD" in p and "body" in p and "JATS line" in p for p in problems), problems


def test_duplicate_ids_missing_alt_text_and_bad_orcid(good):
    tree = copy.deepcopy(good)
    tree.find(".//table-wrap").set("id", "fig-curve")
    for alt in tree.iter("alt-text"):
        alt.getparent().remove(alt)
    tree.find(".//contrib-id").text = "0000-0002-1825-0097"
    tree.find(".//element-citation").attrib.pop("publication-type")
    problems = "\n".join(str(p) for p in validate(tree))
    assert "the id 'fig-curve' is used twice" in problems
    assert "has no alt text" in problems
    assert "is not in URL form" in problems
    assert "has no publication-type" in problems


def test_check_raises_one_readable_error_listing_problems(good, tmp_path):
    tree = copy.deepcopy(good)
    tree.find(".//xref[@ref-type='table']").set("rid", "tbl-gone")
    source = tmp_path / "paper.md"
    source.write_text("See @tbl-gone.\n")
    with pytest.raises(UserError) as info:
        check(tree, source, lambda needle: 1 if needle in source.read_text() else None)
    text = str(info.value)
    assert text.startswith(f"{source}: the JATS does not validate (")
    assert "line 1: <xref rid=\"tbl-gone\">" in text
    assert "Traceback" not in text


def test_entities_are_not_expanded():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE article [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><article><body><p>&b;</p></body></article>')
    tree = parse_jats(bomb)
    assert "aaaaaaaaaa" not in etree.tostring(tree.getroot()).decode()
