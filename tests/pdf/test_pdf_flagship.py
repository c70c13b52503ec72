"""The flagship essay as a reader gets it: pdftotext, pdftoppm, pdffonts and pikepdf on the real PDF."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata

import pikepdf
import pytest
from pdf_build import FLAGSHIP_NOTES

from pubpipe import pdf_checks
from pubpipe.pdf_checks import squeeze

HEAD_BAND_PT = 60  # running heads sit in the top margin (25 mm = 71 pt)


def nfkc(text: str) -> str:
    return squeeze(unicodedata.normalize("NFKC", text))


def test_every_note_of_the_jats_is_in_the_pdf_text(flagship):
    """All notes' texts (46 in the seed; more if the note style adds citation notes) are extractable."""
    assert len(flagship.notes) >= FLAGSHIP_NOTES
    # the words of pdftotext -bbox: plain pdftotext joins "Sino-" + "Soviet" into "SinoSoviet"
    pdf = nfkc("".join(page.text for page in flagship.pages))
    missing = [fid for fid, (_, text) in flagship.notes.items() if nfkc(text) not in pdf]
    assert not missing, f"notes missing from the PDF text: {missing}"


def test_chinese_text_is_extractable_in_a_cjk_face(flagship):
    pdf = squeeze(flagship.text)
    assert "沈志华" in pdf
    assert "中苏援助与朝鲜战后经济重建" in pdf
    fonts = subprocess.run(["pdffonts", str(flagship.pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerifCJK|Noto-Serif-CJK", fonts), fonts


def test_every_body_paragraph_is_present(flagship):
    """Each JATS body paragraph, in the body band of the pages (no heads, no notes), in order."""
    stream = ""
    for page, rule in zip(flagship.pages, flagship.rules):
        bottom = rule if rule is not None else page.height
        stream += "".join(w.text for w in page.words if HEAD_BAND_PT < w.y0 < bottom)
    stream = nfkc(stream)
    paragraphs = [p for p in flagship.root.find("body").iter("p")]
    assert len(paragraphs) >= 18
    position = 0
    for p in paragraphs:
        expected = nfkc("".join(p.itertext()))
        found = stream.find(expected, position)
        assert found >= 0, f"body paragraph missing or out of order: {expected[:80]}…"
        position = found + len(expected)


def test_each_note_lies_below_the_rule_of_the_page_that_calls_it(flagship):
    """pdftotext -bbox + pdftoppm: a note's opening words lie under the footnote rule of the page
    whose link is its call, and the note's number links back to the call on that page."""
    problems = pdf_checks.verify_pdf_notes(flagship.pdf, flagship.notes, flagship.called)
    assert not problems, [str(p) for p in problems]
    assert len(flagship.called) == len(flagship.notes)


def test_calls_and_notes_are_linked_both_ways(flagship):
    links = pdf_checks.pdf_link_pages(flagship.pdf)
    for fid in flagship.called:
        assert links["dests"].get(fid) == links["dests"].get(f"{fid}-ref") is not None, fid
        assert links["links"].get(fid) and links["links"].get(f"{fid}-ref"), fid


def test_running_heads_from_page_two_and_page_numbers(flagship):
    pages = flagship.pages
    assert not [w for w in pages[0].words if w.y0 < HEAD_BAND_PT], "no running head on the first page"
    for page in pages[1:]:
        head = " ".join(w.text for w in page.words if w.y1 < HEAD_BAND_PT)
        assert str(page.number) in head.split(), (page.number, head)
        if page.number % 2:  # recto: the short title
            assert "Importing Chinese Revolution" in head, (page.number, head)
        else:  # verso: the author
            assert "Joseph Yu" in head, (page.number, head)
    first_foot = [w.text for w in pages[0].words if w.y0 > pages[0].height - 60]
    assert "1" in first_foot  # the first page's number, at its foot


def test_page_count_and_size_are_sane(flagship):
    assert 6 <= len(flagship.pages) <= 16, len(flagship.pages)
    for page in flagship.pages:
        assert (round(page.width), round(page.height)) == (595, 842)  # A4


def test_first_page_carries_the_title_block(flagship):
    first = flagship.pages[0].text
    for phrase in ("Importing Chinese Revolution", "A Comparative Case Study", "Joseph Yu", "Keywords",
                   "Chollima movement"):
        assert phrase in first, phrase


def test_all_fonts_embedded_and_subset(flagship):
    out = subprocess.run(["pdffonts", str(flagship.pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    for row in rows:
        emb, sub = row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row


def test_pdf_metadata_bookmarks_and_links(flagship):
    with pikepdf.open(flagship.pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]).startswith("Importing Chinese Revolution: A Comparative Case Study")
        assert str(info["/Author"]) == "Joseph Yu"
        assert "Chollima movement" in str(info["/Keywords"])
        assert str(info["/Subject"])
        assert str(pdf.Root.Lang) == "en-GB"
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        for heading in ("Importing Chinese Revolution", "The ‘Revolutionary’ Movements", "Conclusion",
                        "About the author"):
            assert any(heading in t for t in titles), (heading, titles)
    links = pdf_checks.pdf_link_pages(flagship.pdf)
    refs = [name for name in links["links"] if name.startswith("ref-")]
    assert refs, "citations link to the bibliography"


def test_no_dates_from_the_clock(flagship):
    """The flagship has no date in its front matter: without SOURCE_DATE_EPOCH the PDF has none."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        pytest.skip("SOURCE_DATE_EPOCH is set")
    with pikepdf.open(flagship.pdf) as pdf:
        assert "/CreationDate" not in pdf.docinfo and "/ModDate" not in pdf.docinfo


def test_pdfa_variant_carries_the_jats(flagship):
    pdfa = flagship.variants["pdfa"]
    with pikepdf.open(pdfa) as pdf:
        files = pdf.attachments
        assert list(files) == ["chollima.xml"]
        spec = files["chollima.xml"]
        assert spec.get_file().read_bytes() == flagship.jats.read_bytes()
        assert str(spec.obj.AFRelationship) == "/Source"
        assert [str(f.UF) for f in pdf.Root.AF] == ["chollima.xml"]
        meta = pdf.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("3", "B")
        assert "/OutputIntents" in pdf.Root


def test_build_time_is_recorded(flagship):
    """Not a timing test: it records the build time in the report (see bench/pdf_vs_peer.py)."""
    print(f"flagship PDF (+PDF/A) built in {flagship.seconds:.1f} s, {len(flagship.pages)} pages")
    assert flagship.seconds > 0
