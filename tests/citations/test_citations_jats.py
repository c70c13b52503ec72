"""Citations written into the JATS: all three classes of style, on the flagship and the fixtures.

Each build goes through pubpipe.pipeline.make_jats, which validates the result
against the official JATS 1.3 DTD and the journal rules -- so every test here
also proves the output is valid.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from conftest import FLAGSHIP, ROOT

FIGURES = ROOT / "tests" / "fixtures" / "figures-article"


def build(folder: Path, tmp_path: Path, style: str | None = None) -> etree._Element:
    from pubpipe.errors import UserError
    from pubpipe.pipeline import make_jats

    try:
        out = make_jats(folder, tmp_path / "out.xml", style=style)
    except UserError as exc:
        if "JATS 1.3 DTD is not installed" in str(exc):
            pytest.skip("the JATS DTD is not installed (scripts/setup.sh)")
        raise
    return etree.parse(str(out)).getroot()


def text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def notes(root) -> dict[str, str]:
    return {fn.findtext("label"): text(fn.find("p")) for fn in root.iter("fn")}


@pytest.fixture(scope="module")
def flagship_notes(tmp_path_factory):
    if not FLAGSHIP.is_dir():
        pytest.skip("the flagship manuscript is not in this checkout")
    return build(FLAGSHIP, tmp_path_factory.mktemp("notes"))   # front matter: chicago-notes-bibliography


def test_flagship_note_style_full_then_short_notes(flagship_notes):
    n = notes(flagship_notes)
    assert len(n) == 46                                      # all citations are in the author's notes
    assert n["6"] == "Young Whan Kihl, ‘The Cultural Dimension and Context of North Korean Communism’, " \
                     "Korean Studies 18 (1994): 150."        # a first citation: a full note (en-GB quotes)
    assert n["29"] == "Paige, ‘North Korea and the Emulation of Russian and Chinese Behavior’, 245."  # short
    assert n["11"].startswith("Ralph C. Hassig and Kongdan Oh, North Korea Through the Looking Glass")
    assert n["34"].startswith("沈志华 and 董洁, ‘中苏援助与朝鲜战后经济重建’, 炎黄春秋")
    # a citation inside the author's running text is the note's own text (CMOS), no parentheses,
    # no final period where the sentence goes on
    assert n["1"] == ("See Cheehyung Kim, ‘Total, Thus Broken: Chuch’e Sasang and North Korea’s Terrain of "
                      "Subjectivity’, The Journal of Korean Studies 17 (2012): 92 for further discussion.")
    assert n["5"] == "See further, Paige, ‘North Korea and the Emulation of Russian and Chinese Behavior’, 224."
    assert n["36"].startswith("Chung, Pyongyang Between Peking and Moscow: North Korea’s Involvement in the "
                              "Sino-Soviet Dispute, 1958-1975, 33; and Lee, China and Korea")


def test_flagship_references_are_mixed_citations_in_bibliography_order(flagship_notes):
    refs = flagship_notes.findall("back/ref-list/ref")
    assert len(refs) == 33
    for ref in refs:
        alt = ref.find("citation-alternatives")
        assert alt is not None and alt.find("element-citation") is not None
        mc = alt.find("mixed-citation")
        assert mc is not None and mc.get("publication-type") == alt.find("element-citation").get("publication-type")
    first = [text(r.find(".//mixed-citation")) for r in refs[:3]]
    assert first[0].startswith("Bradbury, John.")            # Chicago: alphabetical by author
    italics = [text(i) for i in flagship_notes.iter("italic") if i.getparent().tag == "mixed-citation"]
    assert "Pyongyang Between Peking and Moscow: North Korea’s Involvement in the Sino-Soviet Dispute, 1958-1975" \
        in italics
    links = [l.get("{http://www.w3.org/1999/xlink}href") for l in flagship_notes.iter("ext-link")]
    assert "http://www.kcna.co.jp/item/2012/201203/news31/20120331-22ee.html" in links


def test_flagship_author_date_apa(tmp_path):
    if not FLAGSHIP.is_dir():
        pytest.skip("the flagship manuscript is not in this checkout")
    root = build(FLAGSHIP, tmp_path, style="apa")
    n = notes(root)
    assert n["5"] == "See further, (Paige, 1964, p. 224)."
    assert n["34"] == "(沈 & 董, 2011, p. 9)."
    refs = [text(r.find(".//mixed-citation")) for r in root.findall("back/ref-list/ref")]
    assert refs[0].startswith("Bradbury, J. (1961).")


def test_flagship_numeric_ieee(tmp_path):
    if not FLAGSHIP.is_dir():
        pytest.skip("the flagship manuscript is not in this checkout")
    root = build(FLAGSHIP, tmp_path, style="ieee")
    n = notes(root)
    assert n["1"] == "See [1, p. 92] for further discussion."
    assert n["6"] == "[6, p. 150]."
    refs = root.findall("back/ref-list/ref")
    assert [r.findtext("label") for r in refs[:3]] == ["[1]", "[2]", "[3]"]       # citation order
    assert text(refs[0].find(".//mixed-citation")).startswith("C. Kim, ‘Total, Thus Broken")


def test_body_citations_become_notes_in_a_note_style(tmp_path):
    root = build(FIGURES, tmp_path, style="chicago-notes-bibliography")
    body = etree.tostring(root.find("body"), encoding="unicode")
    # "history [@a; @b].[^n1]" → "history.¹²": the citation's own note, then the author's
    assert re.search(r'history\.<xref ref-type="fn" rid="fn1">1</xref><xref ref-type="fn" rid="fn2">2</xref>', body)
    # "@lopez2020 [chap. 2]": the name stays in the text, the rest goes to a note
    assert re.search(r'As <xref ref-type="bibr" rid="ref-lopez2020">López</xref><xref ref-type="fn" '
                     r'rid="fn3">3</xref> argues', body)
    n = notes(root)
    assert list(n) == ["1", "2", "3", "4", "5"]
    assert n["1"].startswith("Ada María López, A History of Measurement (Example Press, 2020), 5,")
    assert n["2"] == "A note with emphasis."                    # the author's note, renumbered
    assert n["3"] == "A History of Measurement, chap. 2."
    assert n["4"] == "See 沈 and 董, “中苏援助与朝鲜战后经济重建,” 9–12."  # in the note's sentence: no parentheses
    ids = [fn.get("id") for fn in root.iter("fn")]
    assert ids == ["fn1", "fn2", "fn3", "fn4", "fn5"]


def test_author_date_text_in_the_xrefs(tmp_path):
    root = build(FIGURES, tmp_path)                               # front matter: apa, lang en-US
    cites = {x.get("id"): text(x) for x in root.iter("xref") if x.get("ref-type") == "bibr"}
    assert cites["cite-1"] == "(López, 2020, p. 5; 沈 & 董, 2011)"
    assert cites["cite-2"] == "López (2020, Chapter 2)"          # author-in-text, APA's long locator label
    assert cites["cite-4"] == "(2020, p. 7)"                     # suppress-author
    mixed = [text(m) for m in root.iter("mixed-citation")]
    assert mixed[0].startswith("López, A. M. (2020). A History of Measurement.")


def test_ibid_in_a_note_style_manuscript(manuscript_dir, tmp_path):
    refs = [{"id": "a", "type": "book", "title": "A Book", "author": [{"family": "Doe", "given": "Jane"}],
             "publisher": "Pub", "issued": {"date-parts": [[2001]]}},
            {"id": "b", "type": "book", "title": "B Book", "author": [{"family": "Roe", "given": "Ann"}],
             "publisher": "Pub", "issued": {"date-parts": [[2002]]}}]
    md = ("---\ntitle: Ibid\nlang: en-US\ncsl: chicago-notes-bibliography-subsequent-ibid\n---\n\n"
          "First [@a, p. 3]. Again [@a, p. 3]. Other page [@a, p. 5]. Now [@b]. "
          "Back [@a, p. 5].[^1]\n\n[^1]: [@a, p. 5], and more.\n")
    root = build(manuscript_dir(md, refs), tmp_path)
    n = notes(root)
    assert n["1"].startswith("Jane Doe, A Book (Pub, 2001), 3.")
    assert n["2"] == "Ibid."
    assert n["3"] == "Ibid., 5."
    assert n["4"].startswith("Ann Roe, B Book")
    assert n["5"] == "Doe, A Book, 5."
    assert n["6"] == "Ibid., and more."                          # the author's note, after note 5


def test_superscript_numeric_style_joins_the_word(tmp_path):
    root = build(FIGURES, tmp_path, style="nature")
    body = etree.tostring(root.find("body"), encoding="unicode")
    assert re.search(r'history<xref ref-type="bibr" rid="ref-lopez2020 ref-shen2011" id="cite-1"><sup>1,2</sup>'
                     r'</xref>\.', body)


def test_prefixes_and_suffixes_are_plain_text(manuscript_dir, tmp_path):
    refs = [{"id": "a", "type": "book", "title": "A Book", "author": [{"family": "Doe", "given": "Jane"}],
             "publisher": "Pub", "issued": {"date-parts": [[2001]]}}]
    md = "---\ntitle: Affixes\nlang: en-US\ncsl: apa\n---\n\nText [see R&D, 1 < 2, in @a, p. 4, *our* emphasis].\n"
    root = build(manuscript_dir(md, refs), tmp_path)
    cite = next(x for x in root.iter("xref") if x.get("ref-type") == "bibr")
    assert text(cite) == "(see R&D, 1 < 2, in Doe, 2001, p. 4, our emphasis)"


def test_a_style_without_bibliography_still_gives_mixed_citations(tmp_path):
    csl = tmp_path / "nobib.csl"
    csl.write_text('<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0"><info><id>x</id>'
                   '<title>No bibliography</title><updated>2020-01-01T00:00:00+00:00</updated></info><citation>'
                   '<layout suffix="."><group delimiter=", "><names variable="author"/><text variable="title" '
                   'font-style="italic"/><text variable="locator"/></group></layout></citation></style>',
                   encoding="utf-8")
    root = build(FIGURES, tmp_path, style=str(csl))
    mixed = [text(m) for m in root.iter("mixed-citation")]
    assert mixed[0] == "Ada María López, A History of Measurement."
