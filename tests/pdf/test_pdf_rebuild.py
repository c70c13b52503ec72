"""Rebuilds give the same bytes; dates come from the front matter or SOURCE_DATE_EPOCH, never the clock;
the command line and doit pass ``--paper`` and ``--pdf-variants`` through."""

from __future__ import annotations

import pikepdf
from pdf_build import FIGURES_ARTICLE, FLAGSHIP, build

from pubpipe import cli


def test_two_flagship_builds_are_byte_identical(flagship, tmp_path):
    again = build(FLAGSHIP, tmp_path, pdf_variants=["pdf/a-3b"])
    assert again.jats.read_bytes() == flagship.jats.read_bytes()
    assert again.pdf.read_bytes() == flagship.pdf.read_bytes()
    assert again.variants["pdfa"].read_bytes() == flagship.variants["pdfa"].read_bytes()


def test_two_fixture_builds_are_byte_identical_in_every_variant(figures, tmp_path):
    again = build(FIGURES_ARTICLE, tmp_path, pdf_variants=["pdf/ua-1", "print"])
    assert again.pdf.read_bytes() == figures.pdf.read_bytes()
    for name in ("pdfua", "print"):
        assert again.variants[name].read_bytes() == figures.variants[name].read_bytes(), name


def test_source_date_epoch_sets_the_modification_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    built = build(FIGURES_ARTICLE, tmp_path)
    with pikepdf.open(built.pdf) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20240517")  # the article's date
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")


def test_cli_paper_letter_and_print_variant(tmp_path, capsys):
    code = cli.main(["build", str(FIGURES_ARTICLE), "-o", str(tmp_path), "--paper", "letter",
                     "--pdf-variants", "print"])
    assert code == 0, capsys.readouterr()
    out = tmp_path / "figures-article"
    with pikepdf.open(out / "figures-article.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 612, 792]  # US Letter
    with pikepdf.open(out / "figures-article.print.pdf") as pdf:
        assert [round(float(v)) for v in pdf.pages[0].TrimBox] == [0, 0, 612, 792]
