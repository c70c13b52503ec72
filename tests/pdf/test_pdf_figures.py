"""The fixture with figures, a table, an equation and cross-references, and its PDF variants."""

from __future__ import annotations

import subprocess

import pikepdf

from pubpipe import pdf_checks
from pubpipe.pdf_checks import squeeze


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    out = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            out.append(node)
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid)
            elif isinstance(kids, pikepdf.Dictionary):
                walk(kids)

    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid)
    return out


def ink(image, box, dpi=100, colour=None, tolerance=60) -> int:
    """Pixels in *box* (pt: x0, y0, x1, y1) that are dark (or near *colour* (r, g, b))."""
    x0, y0, x1, y1 = (int(v * dpi / 72) for v in box)
    count = 0
    for y in range(max(0, y0), min(image.height, y1)):
        for x in range(max(0, x0), min(image.width, x1), 2):
            px = image.getpixel((x, y))
            if colour is None:
                count += sum(px) / 3 < 128
            else:
                count += all(abs(a - b) < tolerance for a, b in zip(px, colour))
    return count


def find(figures, phrase):
    for page in figures.pages:
        hit = pdf_checks.find_phrase(page, phrase)
        if hit:
            return page, hit
    raise AssertionError(f"{phrase!r} is not in the PDF")


def test_figures_table_and_equation_are_rendered(figures):
    text = squeeze("".join(p.text for p in figures.pages))
    for phrase in ("Figure 1. A rising curve", "Figure 2. Bars of the samples", "Table 1. Masses of the samples",
                   "Sample", "Mass (g)", "2.25", "(1)"):
        assert squeeze(phrase) in text, phrase
    # the formulas are drawn, not printed as flattened MathML text
    assert "Emc2" not in text and "a2+b2=c2" not in text
    images = pdf_checks.page_images(figures.pdf, 100, gray=False)
    # Each figure is drawn just above its caption, on the same page (a figure is never split from
    # its caption): the blue curve (SVG), the red bars (PNG).
    for caption, colour in (("Figure 1. A rising curve", (0x1a, 0x4d, 0x8f)),
                            ("Figure 2. Bars of the samples", (0xc8, 0x3c, 0x3c))):
        page, hit = find(figures, caption)
        above = (0, hit[0].y0 - 300, page.width, hit[0].y0)
        assert ink(images[page.number - 1], above, colour=colour) > 50, caption
    # The display equation: ink left of its label "(1)", on the label's line.
    page, hit = find(figures, "(1)")
    line = (page.width * 0.3, hit[0].y0 - 4, hit[0].x0 - 10, hit[0].y1 + 4)
    assert ink(images[page.number - 1], line) > 20
    # The inline formula a^2 + b^2 = c^2 between "inline math" and "works too".
    page, before = find(figures, "inline math")
    _, after = find(figures, "works too")
    gap = (before[-1].x1 + 1, before[-1].y0, after[0].x0 - 1, before[-1].y1)
    assert gap[2] - gap[0] > 30 and ink(images[page.number - 1], gap) > 20


def test_cross_references_are_links_to_their_targets(figures):
    links = pdf_checks.pdf_link_pages(figures.pdf)
    for target in ("fig-curve", "fig-bars", "tbl-data", "eq-energy", "sec-method", "ref-lopez2020"):
        assert target in links["links"], (target, sorted(links["links"]))
        assert links["dests"].get(target), target


def test_front_matter_block(figures):
    first = figures.pages[0].text
    for phrase in ("Journal of Pipeline Studies", "Vol. 12, No. 3, 2024", "https://doi.org/10.1234/pubpipe.test.1",
                   "Creative Commons Attribution 4.0 International", "Ada María López", "沈志华",
                   "University of Example", "Corresponding author", "Received: 10 January 2024", "Abstract",
                   "Keywords:"):
        assert squeeze(phrase) in squeeze(first) or phrase.upper() in first, phrase
    assert "ORCID" in first


def test_notes_at_the_foot_of_their_pages(figures):
    assert not pdf_checks.verify_pdf_notes(figures.pdf, figures.notes, figures.called)


def test_metadata_from_the_front_matter(figures):
    with pikepdf.open(figures.pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Author"]) == "Ada María López, 沈志华, Jan van der Berg"
        assert str(info["/Keywords"]) == "measurement, figures, tables, too"
        assert str(info["/CreationDate"]).startswith("D:20240517")  # the front matter's date
        assert str(pdf.Root.Lang) == "en-US"


def test_pdfua_variant_is_tagged_with_alt_text(figures):
    with pikepdf.open(figures.variants["pdfua"]) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        elements = struct_elements(pdf)
        alts = {str(e.S): [] for e in elements}
        for e in elements:
            if "/Alt" in e:
                alts[str(e.S)].append(str(e.Alt))
        assert "A line rising from lower left to upper right" in alts["/Figure"]
        assert "Two red bars of different heights" in alts["/Figure"]
        assert "E = m c^2" in alts["/Formula"]
        assert len([e for e in elements if e.S == "/Note"]) == len(figures.called)
        assert any(str(e.get("/Lang", "")) == "zh" for e in elements)  # 沈志华 is tagged Chinese


def test_print_variant_has_bleed_and_crop_marks(figures):
    with pikepdf.open(figures.variants["print"]) as pdf, pikepdf.open(figures.pdf) as plain:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        assert round(trim[2] - trim[0]) == round(float(plain.pages[0].MediaBox[2]))  # trimmed = A4
        assert round(bleed[2] - bleed[0] - (trim[2] - trim[0]), 1) == round(2 * 3 * 72 / 25.4, 1)  # 3 mm
        assert media[2] - media[0] >= bleed[2] - bleed[0]
    out = subprocess.run(["pdftotext", str(figures.variants["print"]), "-"], capture_output=True, text=True).stdout
    assert "Measuring" in out
