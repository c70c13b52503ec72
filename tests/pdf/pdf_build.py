"""Building manuscripts for the print PDF tests, and what the tests read from the results.

The builds go through the real stages — ``pubpipe.pipeline.make_jats`` then
``pubpipe.render_pdf.make_pdf`` — into a temporary directory, never output/.
(Imported by name: a module of its own, so it never clashes with tests/conftest.py.)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pubpipe import pdf_checks
from pubpipe.jats import parse_jats
from pubpipe.pipeline import make_jats
from pubpipe.render_pdf import make_pdf, note_texts

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "manuscript" / "chollima"
FIGURES_ARTICLE = ROOT / "tests" / "fixtures" / "figures-article"
FLAGSHIP_NOTES = 46  # the seed essay's notes (citations in a note style may add more <fn>s)

POPPLER = ("pdftotext", "pdftoppm", "pdffonts")


@dataclass
class Built:
    """One manuscript built to JATS and PDF, with what the tests read from them."""

    folder: Path
    jats: Path
    pdf: Path
    seconds: float
    variants: dict = field(default_factory=dict)

    @cached_property
    def root(self):
        return parse_jats(self.jats).getroot()

    @cached_property
    def notes(self) -> dict:
        return note_texts(self.root)

    @cached_property
    def called(self) -> list[str]:
        """Note ids in the order of their first call in the JATS."""
        seen = []
        for xref in self.root.iter("xref"):
            if xref.get("ref-type") == "fn" and xref.get("rid") not in seen:
                seen.append(xref.get("rid"))
        return [fid for fid in seen if fid in self.notes]

    @cached_property
    def pages(self) -> list[pdf_checks.PdfPage]:
        return pdf_checks.pdf_words(self.pdf)

    @cached_property
    def text(self) -> str:
        return pdf_checks.pdf_text(self.pdf)

    @cached_property
    def images(self) -> list:
        return pdf_checks.page_images(self.pdf, 100)

    @cached_property
    def rules(self) -> list:
        """The footnote rule's y (pt) on each page, None where there is none."""
        return [pdf_checks.rule_y(image, 100) for image in self.images]


def build(folder: Path, out_dir: Path, **options) -> Built:
    slug = folder.name
    jats = make_jats(folder, out_dir / slug / f"{slug}.xml")
    pdf = out_dir / slug / f"{slug}.pdf"
    start = time.perf_counter()
    make_pdf(jats, pdf, folder, **options)
    seconds = time.perf_counter() - start
    variants = {p.name.split(".")[-2]: p for p in pdf.parent.glob(f"{slug}.*.pdf")}
    return Built(folder, jats, pdf, seconds, variants)
