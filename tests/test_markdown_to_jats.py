"""Markdown -> JATS: front matter, notes, citations, cross-references, figures, tables, math."""

from pathlib import Path

import pytest
from lxml import etree

from support import FIXTURES, FLAGSHIP
from pubpipe.errors import UserError
from pubpipe.jats import XLINK, parse_jats
from pubpipe.manuscript import load_manuscript
from pubpipe.markdown_to_jats import markdown_to_jats, parse_locator
from pubpipe.pipeline import make_jats
from pubpipe.validate import validate


@pytest.mark.parametrize("suffix, expected", [
    (", p. 224", ("page", "224", "")),
    (", pp. 47, 220", ("page", "47, 220", "")),
    (", pp. 20-21", ("page", "20-21", "")),
    (", chap. 3, emphasis added", ("chapter", "3", ", emphasis added")),
    (", 33", ("page", "33", "")),
    (" sec. 4.2", ("section", "4.2", "")),
    (" 2nd ed.", ("", "", " 2nd ed.")),
    (", sec. 4", ("section", "4", "")),
    (", {iv, 3}", ("page", "iv, 3", "")),
    (", and elsewhere", ("", "", ", and elsewhere")),
    ("", ("", "", "")),
])
def test_parse_locator(suffix, expected):
    assert parse_locator(suffix) == expected


@pytest.fixture(scope="module")
def fixture_tree(tmp_path_factory):
    out = tmp_path_factory.mktemp("fa") / "fa.xml"
    make_jats(FIXTURES / "figures-article", out)
    return parse_jats(out)


def test_fixture_article_is_valid_jats_13(fixture_tree):
    root = fixture_tree.getroot()
    assert root.get("dtd-version") == "1.3"
    assert "JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.3" in fixture_tree.docinfo.doctype
    assert validate(fixture_tree) == []


def test_fixture_front_matter(fixture_tree):
    meta = fixture_tree.find("front/article-meta")
    assert meta.findtext("article-id[@pub-id-type='doi']") == "10.1234/pubpipe.test.1"
    contribs = meta.findall("contrib-group/contrib")
    assert [c.findtext("name/surname") for c in contribs] == ["López", "沈", "van der Berg"]
    assert contribs[1].find("name").get("name-style") == "eastern"
    assert contribs[0].findtext("contrib-id") == "https://orcid.org/0000-0002-1825-0097"
    role = contribs[0].find("role")
    assert role.get("vocab") == "credit" and role.get("vocab-term-identifier").endswith("/conceptualization/")
    assert contribs[0].get("corresp") == "yes" and contribs[0].find("bio/p") is not None
    assert [x.get("rid") for x in contribs[0].findall("xref[@ref-type='aff']")] == ["uni"]
    aff = meta.find("contrib-group/aff[@id='uni']")
    assert aff.findtext("institution-wrap/institution-id[@institution-id-type='ror']") == "https://ror.org/052gg0110"
    assert meta.find("pub-date").get("iso-8601-date") == "2024-05-17"
    assert meta.find("permissions/license").get(f"{{{XLINK}}}href").startswith("https://creativecommons.org/")
    assert [k.text for k in meta.findall("kwd-group/kwd")] == ["measurement", "figures", "tables, too"]
    assert len(meta.findall("abstract/p")) == 2
    assert meta.findtext("funding-group/award-group/award-id") == "ERC-123456"
    assert fixture_tree.findtext("front/journal-meta/issn") == "1234-5679"
    assert (meta.findtext("volume"), meta.findtext("issue"), meta.findtext("fpage")) == ("12", "3", "101")


def test_fixture_cross_references_numbered_and_linked(fixture_tree):
    body = fixture_tree.find("body")
    xrefs = {x.get("rid"): (x.get("ref-type"), x.text) for x in body.iter("xref") if x.get("ref-type") != "bibr"
             and x.get("ref-type") != "fn"}
    assert xrefs["fig-curve"] == ("fig", "Figure 1")
    assert xrefs["fig-bars"] == ("fig", "Figure 2")
    assert xrefs["tbl-data"] == ("table", "Table 1")
    assert xrefs["eq-energy"] == ("disp-formula", "Equation 1")
    assert xrefs["sec-method"] == ("sec", "Section 2")
    fig = body.find(".//fig[@id='fig-curve']")
    assert fig.findtext("label") == "Figure 1"
    assert fig.findtext("graphic/alt-text") == "A line rising from lower left to upper right"
    wrap = body.find(".//table-wrap[@id='tbl-data']")
    assert wrap.findtext("label") == "Table 1" and wrap.find("table").get("id") is None
    formula = body.find(".//disp-formula[@id='eq-energy']")
    assert formula.findtext("label") == "(1)"
    assert formula.find(".//{http://www.w3.org/1998/Math/MathML}math") is not None
    assert body.find(".//inline-formula") is not None
    assert body.find(".//sec[@id='a-subsection']").findtext("label") == "2.1"


def test_fixture_citations_link_to_structured_refs(fixture_tree):
    refs = {r.get("id"): r for r in fixture_tree.iter("ref")}
    for xref in fixture_tree.iter("xref"):
        if xref.get("ref-type") == "bibr":
            assert all(rid in refs for rid in xref.get("rid").split())
    shen = refs["ref-shen2011"].find(".//element-citation")
    assert shen.get("publication-type") == "journal"
    assert [n.findtext("surname") for n in shen.iter("name")] == ["沈", "董"]
    assert shen.findtext("article-title") == "中苏援助与朝鲜战后经济重建" and shen.findtext("source") == "炎黄春秋"
    assert shen.findtext("trans-title") == "Sino and Soviet Assistance"
    lopez = refs["ref-lopez2020"].find(".//element-citation")
    assert (lopez.findtext("source"), lopez.findtext("publisher-name"), lopez.findtext("publisher-loc"),
            lopez.findtext("pub-id[@pub-id-type='doi']")) == ("A History of Measurement", "Example Press",
                                                              "Oxford", "10.1234/hom")


def test_flagship_draft(tmp_path):
    if not FLAGSHIP.is_dir():
        pytest.skip("flagship manuscript absent")
    ms = load_manuscript(FLAGSHIP)
    draft = markdown_to_jats(ms)
    tree = draft.tree
    assert validate(tree) == []
    fns = tree.findall("back/fn-group/fn")
    assert len(fns) == 46
    calls = [x.get("rid") for x in tree.find("body").iter("xref") if x.get("ref-type") == "fn"]
    assert calls == [fn.get("id") for fn in fns]
    assert [s.findtext("title") for s in tree.find("body").findall("sec")] == [
        "The ‘Revolutionary’ Movements", "Importing Chinese Revolution: Emulation and Imitation",
        "Causes of the Emulation Behaviour", "Conclusion"]
    refs = tree.findall("back/ref-list/ref")
    cited = {k for c in draft.clusters for k in (i.key for i in c.items)}
    assert len(refs) == len(cited) == len(draft.bibliography) == 33
    for ref in refs:
        ec = ref.find("element-citation")
        assert ec.get("publication-type")
        assert ec.find("person-group") is not None or ec.find("collab") is not None
        assert ec.findtext("source") or ec.findtext("article-title")
        assert ec.findtext("year")
    # Every work cited with its page: note v cites Paige p. 224.
    paige = [i for c in draft.clusters for i in c.items if i.key == "paige1964" and i.locator == "224"]
    assert paige and paige[0].label == "page"
    webs = [r for r in refs if r.find(".//date-in-citation[@content-type='access-date']") is not None]
    assert len(webs) >= 3


def test_unknown_citation_key_names_key_and_line(manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\n---\n\nFirst.\n\nSee [@nobody, p. 3].\n",
                            references=[{"id": "a", "type": "book", "title": "A"}])
    with pytest.raises(UserError) as info:
        markdown_to_jats(load_manuscript(folder))
    assert "'@nobody' is not in the bibliography" in str(info.value)
    assert f"paper.md:7:" in str(info.value)


def test_unknown_cross_reference(manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\n---\n\nSee @fig-missing.\n")
    with pytest.raises(UserError, match="points to no labelled figure"):
        markdown_to_jats(load_manuscript(folder))


def test_missing_figure_is_an_error(manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\n---\n\n![Cap](figures/none.png){#fig-a fig-alt=\"x\"}\n")
    with pytest.raises(UserError) as info:
        markdown_to_jats(load_manuscript(folder))
    assert "figures/none.png' does not exist" in str(info.value) and "paper.md:5:" in str(info.value)


def test_bibtex_bibliography_converted_by_pandoc(manuscript_dir):
    bib = "@book{doe2020, author = {Doe, Jane}, title = {A Book}, year = {2020}, publisher = {P}}\n"
    folder = manuscript_dir("---\ntitle: T\nbibliography: refs.bib\n---\n\nText [@doe2020].\n",
                            files={"refs.bib": bib})
    draft = markdown_to_jats(load_manuscript(folder))
    ec = draft.tree.find(".//ref[@id='ref-doe2020']/element-citation")
    # pandoc turns BibLaTeX's title case into CSL's sentence case
    assert ec.get("publication-type") == "book" and ec.findtext("source").lower() == "a book"
    assert ec.findtext("person-group/name/surname") == "Doe"


def test_one_line_abstract_becomes_a_paragraph(manuscript_dir):
    folder = manuscript_dir("---\ntitle: T\nabstract: Just one line.\n---\n\nBody.\n")
    draft = markdown_to_jats(load_manuscript(folder))
    assert draft.tree.findtext("front/article-meta/abstract/p") == "Just one line."
    assert validate(draft.tree) == []


def test_raw_jats_in_manuscript_is_dropped(manuscript_dir, capsys):
    folder = manuscript_dir("---\ntitle: T\n---\n\nText `<evil/>`{=jats} here.\n")
    draft = markdown_to_jats(load_manuscript(folder))
    assert b"evil" not in etree.tostring(draft.tree)
    assert "raw jats in the manuscript is dropped" in capsys.readouterr().err
