"""What the PDF build refuses to ship: lost or moved notes, tofu, missing figures; and the
WeasyPrint work-arounds those guards rely on."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from pdf_build import FIGURES_ARTICLE

from pubpipe import pdf_checks, weasy_patches
from pubpipe.errors import UserError
from pubpipe.pdf_checks import NoteCheckError, NoteProblem, squeeze, verify_notes
from pubpipe.jats import parse_jats
from pubpipe.pipeline import make_jats
from pubpipe.render_pdf import build_print_html, make_pdf, page_css, print_options, render, write

PAPER = """---
title: "A paper"
author: [Jo Writer]
lang: en
---

{body}
"""


def test_missing_glyph_fails_naming_the_characters(manuscript_dir, tmp_path):
    folder = manuscript_dir(PAPER.format(body="A shaking face 🫨 has no glyph in any installed font.[^a]\n\n"
                                              "[^a]: A note."))
    jats = make_jats(folder, tmp_path / "out" / "paper.xml")
    out = tmp_path / "out" / "paper.pdf"
    with pytest.raises(UserError) as caught:
        make_pdf(jats, out, folder)
    message = str(caught.value)
    assert "U+1FAE8" in message and "🫨" in message
    assert "fonts-noto-color-emoji" in message
    assert "paper.md:7:" in message  # the line of the manuscript holding the character
    assert not out.exists()


def test_missing_glyph_package_hints():
    assert pdf_checks.font_package("沈") == "fonts-noto-cjk"
    assert pdf_checks.font_package("한") == "fonts-noto-cjk"
    assert pdf_checks.font_package("😀") == "fonts-noto-color-emoji"
    assert pdf_checks.font_package("ᚠ").startswith("fonts-noto-core")


def test_a_note_dropped_by_weasyprint_fails_the_build(tmp_path, monkeypatch):
    """Make WeasyPrint lose note 2 (as it does on long documents): the build must fail, naming it."""
    from weasyprint.layout import LayoutContext

    original = LayoutContext.layout_footnote

    def losing(self, footnote):
        if footnote.element.get("id") == "fn2":
            self.footnotes.remove(footnote)  # taken from the waiting list, never placed
            return False
        return original(self, footnote)

    monkeypatch.setattr(LayoutContext, "layout_footnote", losing)
    jats = make_jats(FIGURES_ARTICLE, tmp_path / "figures-article.xml")
    out = tmp_path / "figures-article.pdf"
    with pytest.raises(NoteCheckError) as caught:
        make_pdf(jats, out, FIGURES_ARTICLE)
    assert [(p.kind, p.note_id) for p in caught.value.problems] == [("dropped", "fn2")]
    assert "note 2 (fn2) is called on page 2 but its text is printed on no page" in str(caught.value)
    assert not out.exists()


def test_the_pdf_level_check_finds_a_note_missing_from_a_pdf(tmp_path):
    """A PDF whose note 1 lost its text (call and number kept) fails verify_pdf_notes."""
    jats = make_jats(FIGURES_ARTICLE, tmp_path / "figures-article.xml")
    tree = parse_jats(jats)
    opts = print_options(FIGURES_ARTICLE, tree, {})
    doc = build_print_html(tree, FIGURES_ARTICLE, opts)
    doc.html = doc.html.replace("A note with <em>emphasis</em>.", "")
    document, _ = render(doc)
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(write(document)[0])
    called = ["fn1", "fn2"]
    problems = pdf_checks.verify_pdf_notes(pdf, doc.notes, called)
    assert [(p.kind, p.note_id) for p in problems] == [("dropped", "fn1")]
    # ... and the layout check would have refused to write it
    assert [(p.kind, p.note_id) for p in verify_notes(document, doc.notes, called)] == [("truncated", "fn1")]


@pytest.mark.parametrize("layout, kinds", [
    ({"notes": {"fn1": [(2, "One.")]}, "calls": {"fn1": [1]}}, [("moved", "fn1")]),
    ({"notes": {}, "calls": {"fn1": [1]}}, [("dropped", "fn1")]),
    ({"notes": {"fn1": [(1, "On")]}, "calls": {"fn1": [1]}}, [("truncated", "fn1")]),
    ({"notes": {"fn1": [(1, "One.")]}, "calls": {"fn1": [1]}}, []),
])
def test_verify_notes_decisions(monkeypatch, layout, kinds):
    layout = {"engine_calls": {}, "endnotes": {}, **layout}
    monkeypatch.setattr(pdf_checks, "note_layout", lambda document: layout)
    problems = verify_notes(None, {"fn1": ("1", "One.")}, ["fn1"])
    assert [(p.kind, p.note_id) for p in problems] == kinds


def test_uncalled_notes_must_be_printed_too(monkeypatch):
    monkeypatch.setattr(pdf_checks, "note_layout",
                        lambda d: {"notes": {}, "calls": {}, "engine_calls": {}, "endnotes": {}})
    problems = verify_notes(None, {"fn9": ("9", "An author note.")}, [])
    assert [(p.kind, p.note_id) for p in problems] == [("absent", "fn9")]


def test_footnote_area_overflow_tolerates_rounding(monkeypatch):
    """WeasyPrint issue #2502: a 2e-13 px difference counted as an overflow. Ours tolerates it."""
    import weasyprint.layout as layout_module
    from weasyprint.layout import block

    weasy_patches.apply()
    stock = weasy_patches.ORIGINALS["update_footnote_area"]
    child = types.SimpleNamespace(position_y=100.0, margin_bottom=0.0, margin_height=lambda: 50.0 + 2e-13)
    laid = types.SimpleNamespace(children=[child], position_y=100.0, margin_bottom=0.0, height=50.0,
                                 margin_height=lambda: 50.0)

    def area():
        return types.SimpleNamespace(height="auto", children=[], page=None, max_height=200.0,
                                     style={"height": "auto"}, deepcopy=lambda: None,
                                     margin_height=lambda: 50.0)

    fake_layout = lambda *args, **kwargs: (laid,)  # noqa: E731
    monkeypatch.setattr(layout_module, "block_level_layout", fake_layout)
    monkeypatch.setattr(block, "block_level_layout", fake_layout)
    monkeypatch.setattr(layout_module.build, "create_anonymous_boxes", lambda box: box)
    note = types.SimpleNamespace(style={"margin_top": types.SimpleNamespace(value=0), "float": "none"})
    for method, expected in ((stock, True), (weasy_patches._update_footnote_area, False)):
        context = types.SimpleNamespace(current_footnote_area=area(), current_page_footnotes=[note],
                                        in_column=False, page_bottom=500.0)
        assert method(context) is expected


def test_patches_are_installed_once():
    from weasyprint.layout import LayoutContext, block
    from weasyprint.pdf import tags

    weasy_patches.apply()
    weasy_patches.apply()
    assert LayoutContext._update_footnote_area is weasy_patches._update_footnote_area
    assert hasattr(block._linebox_layout, "__wrapped__")
    assert not hasattr(tags._build_box_tree.__wrapped__, "__wrapped__")


def test_missing_figure_is_a_user_error(tmp_path):
    jats = make_jats(FIGURES_ARTICLE, tmp_path / "a.xml")
    text = jats.read_text(encoding="utf-8").replace("figures/bars.png", "figures/gone.png")
    jats.write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match="the figure 'figures/gone.png' does not exist"):
        make_pdf(jats, tmp_path / "a.pdf", FIGURES_ARTICLE)


def test_note_problem_messages():
    error = NoteCheckError([NoteProblem("moved", "fn3", "3", "is called on page 2 but printed at the foot of "
                                        "page 3")], Path("x.md"), hint="Hint.")
    assert str(error) == ("x.md: the PDF would not carry every note at the foot of its page: note 3 (fn3) is "
                          "called on page 2 but printed at the foot of page 3. Hint.")


def test_the_print_stylesheet_raises_no_weasyprint_warnings(tmp_path):
    """Every rule of print.css and of the generated stylesheet is understood by WeasyPrint."""
    jats = make_jats(FIGURES_ARTICLE, tmp_path / "figures-article.xml")
    tree = parse_jats(jats)
    doc = build_print_html(tree, FIGURES_ARTICLE, print_options(FIGURES_ARTICLE, tree, {"pdf_variants": ["print"]}))
    _, records = render(doc, page_css("a4", "", "", print_shop=True))
    assert [r.getMessage() for r in records] == []


def test_notes_without_calls_are_printed_and_checked(tmp_path):
    """A table's own note prints under its table, an author note in the end notes; both are verified."""
    jats = make_jats(FIGURES_ARTICLE, tmp_path / "figures-article.xml")
    text = jats.read_text(encoding="utf-8")
    text = text.replace("</table>\n  </table-wrap>", "</table>\n  <table-wrap-foot><fn id=\"tfn1\"><p>Masses "
                        "weighed twice.</p></fn></table-wrap-foot></table-wrap>")
    text = text.replace("</corresp></author-notes>", "</corresp><fn id=\"an1\"><p>Present address: "
                        "Lisbon.</p></fn></author-notes>")
    assert "tfn1" in text and "an1" in text
    jats.write_text(text, encoding="utf-8")
    out = tmp_path / "figures-article.pdf"
    make_pdf(jats, out, FIGURES_ARTICLE)
    pdf = squeeze(pdf_checks.pdf_text(out))
    assert squeeze("Masses weighed twice.") in pdf and squeeze("Present address: Lisbon.") in pdf
