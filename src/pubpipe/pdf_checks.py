"""Proof that the PDF holds what the JATS holds: notes where they belong, no tofu.

WeasyPrint 70 silently drops footnotes, moves some to the page after their call
(see ../shared/NOTES.md) and only warns when it draws a glyph as .notdef. So
the PDF build checks, before it writes anything:

- :func:`verify_notes` — on WeasyPrint's layout tree (what is drawn): every
  ``<fn>`` of the JATS is printed whole; a called note sits in the footnote area
  of the page that carries its call (the linked call ``a.fn-call``, and
  WeasyPrint's own ``::footnote-call``); a note without a call is printed in the
  end-of-article notes.
- :func:`layout_overlaps` — no page's text runs into its footnote area.
- :func:`tofu_error` — WeasyPrint's ".notdef glyph rendered" warnings become an
  error naming the characters and the Debian font package to install.

The PDF-level functions (:func:`pdf_words`, :func:`pdf_link_pages`,
:func:`footnote_rule_y`, :func:`verify_pdf_notes`) read a finished PDF with
poppler (pdftotext, pdftoppm) and pikepdf, as a reader's tools see it; the tests
use them, and so can anyone checking a PDF made elsewhere.
"""

from __future__ import annotations

import html as _html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

# Characters that layout adds or drops without changing the text: whitespace is
# removed separately; the hyphen WeasyPrint adds at a hyphenation point, soft hyphen,
# word joiner (our invisible ::footnote-call), zero-width space.
_INVISIBLE = dict.fromkeys(map(ord, "\u2010\u00ad\u2060\u200b\ufeff"), None)


def squeeze(text: str) -> str:
    """Text compared without whitespace and layout-inserted characters."""
    return "".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


@dataclass
class NoteProblem:
    kind: str  # "dropped" | "moved" | "truncated" | "absent" | "overlap" | "unlinked"
    note_id: str
    label: str
    detail: str

    def __str__(self) -> str:
        if self.kind == "overlap":
            return f"the footnote {self.detail}"
        return f"note {self.label or self.note_id} ({self.note_id}) {self.detail}"


class NoteCheckError(UserError):
    """The laid-out PDF lost or misplaced notes."""

    def __init__(self, problems: list[NoteProblem], path=None, hint=None):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:8])
        more = f"; and {len(problems) - 8} more" if len(problems) > 8 else ""
        super().__init__(f"the PDF would not carry every note at the foot of its page: {shown}{more}.",
                         path, None, hint)


# ---------------------------------------------------------------------------
# The layout tree


def _classes(element) -> list[str]:
    return (element.get("class") or "").split() if element is not None else []


def _box_text(box, skip_classes=("fn-back", "note-number")) -> str:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        return box.text
    element = getattr(box, "element", None)
    if element is not None and box.element_tag == getattr(element, "tag", None):
        if any(c in skip_classes for c in _classes(element)):
            return ""
    if getattr(box, "element_tag", "").endswith(("::footnote-marker", "::marker")):
        return ""
    if isinstance(box, boxes.ParentBox):
        return "".join(_box_text(child, skip_classes) for child in box.children)
    return ""


def note_layout(document) -> dict:
    """Where the laid-out pages put notes and calls.

    Returns ``{"notes": {id: [(page, text)]}, "calls": {id: [page]}, "engine_calls": {id: [page]},
    "endnotes": {id: [(page, text)]}}`` with 1-based page numbers.
    """
    from weasyprint.formatting_structure import boxes

    found = {"notes": {}, "calls": {}, "engine_calls": {}, "endnotes": {}}

    def walk(box, page: int, in_area: bool):
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", None) or ""
        own = element is not None and tag == getattr(element, "tag", None)
        if isinstance(box, boxes.FootnoteAreaBox):
            in_area = True
        if own and element.get("id"):
            cls = _classes(element)
            fid = element.get("id")
            if in_area and "footnote" in cls:
                found["notes"].setdefault(fid, []).append((page, _box_text(box)))
                return
            if not in_area and "fn-call" in cls and fid.endswith("-ref"):
                found["calls"].setdefault(fid[:-4], []).append(page)
            if not in_area and ("note" in cls or "fn" in cls):  # end notes; a table's own notes
                found["endnotes"].setdefault(fid, []).append((page, _box_text(box)))
                return
        if tag.endswith("::footnote-call") and element is not None and element.get("id"):
            found["engine_calls"].setdefault(element.get("id"), []).append(page)
        for child in getattr(box, "children", ()) or ():
            walk(child, page, in_area)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number, False)
    return found


def verify_notes(document, notes: dict[str, tuple[str, str]], called: list[str]) -> list[NoteProblem]:
    """Every note of *notes* (id → (label, JATS text)) printed whole, on the page of its call."""
    layout = note_layout(document)
    problems: list[NoteProblem] = []
    for fid, (label, expected) in notes.items():
        want = squeeze(expected)
        if fid in called:
            placed = layout["notes"].get(fid, [])
            calls = sorted(set(layout["calls"].get(fid, [])) | set(layout["engine_calls"].get(fid, [])))
            if not placed:
                where = f" on page {calls[0]}" if calls else ""
                problems.append(NoteProblem("dropped", fid, label,
                                            f"is called{where} but its text is printed on no page"))
                continue
            pages = sorted({p for p, _ in placed})
            if len(calls) != 1 or pages != calls:
                call_where = ", ".join(map(str, calls)) or "no page"
                problems.append(NoteProblem("moved", fid, label,
                                            f"is called on page {call_where} but printed at the foot of "
                                            f"page {', '.join(map(str, pages))}"))
                continue
            got = squeeze("".join(t for _, t in placed))
        else:
            placed = layout["endnotes"].get(fid, [])
            if not placed:
                problems.append(NoteProblem("absent", fid, label,
                                            "has no call and is printed nowhere (not even in the end notes)"))
                continue
            got = squeeze("".join(t for _, t in placed))
        if got != want:
            problems.append(NoteProblem("truncated", fid, label,
                                        f"is printed incompletely: expected “{_excerpt(expected)}”, "
                                        f"printed “{_excerpt(got)}”"))
    return problems


def layout_overlaps(document, tolerance: float = 0.5) -> list[tuple[int, float]]:
    """Pages whose body text runs into the footnote area: [(page, overlap in px)]."""
    from weasyprint.formatting_structure import boxes

    def bottoms(box):
        for child in getattr(box, "children", ()) or ():
            if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)):
                yield child.position_y + child.margin_height()
            elif not isinstance(child, boxes.FootnoteAreaBox):
                yield from bottoms(child)

    found = []
    for number, page in enumerate(document.pages, start=1):
        children = page._page_box.children
        areas = [c for c in children if isinstance(c, boxes.FootnoteAreaBox) and c.children]
        if not areas:
            continue
        top = areas[0].position_y + areas[0].margin_top
        bottom = max(bottoms(children[0]), default=0)
        if bottom > top + tolerance:
            found.append((number, bottom - top))
    return found


def _excerpt(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1] + "…"


# ---------------------------------------------------------------------------
# Tofu


def font_package(ch: str) -> str:
    """The Debian package whose fonts draw *ch* (the usual one, for the hint)."""
    cp = ord(ch)
    name = unicodedata.name(ch, "")
    if (0x2E80 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0xF900 <= cp <= 0xFAFF
            or 0xFF00 <= cp <= 0xFFEF or 0x20000 <= cp <= 0x3FFFF or 0x3130 <= cp <= 0x318F):
        return "fonts-noto-cjk"
    if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or "EMOJI" in name:
        return "fonts-noto-color-emoji"
    if 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000:
        return "a font that defines this private-use character"
    return "fonts-noto-core (or fonts-noto-extra for rarer scripts)"


def tofu_error(records: list, source: Path | None = None) -> UserError | None:
    """A :class:`UserError` for WeasyPrint's .notdef warnings, or None."""
    chars: dict[str, None] = {}
    for record in records:
        message = record.getMessage()
        if ".notdef glyph" not in message:
            continue
        m = re.search(r"\(U\+([0-9A-Fa-f]{4,6})\)", message)
        if m:
            chars[chr(int(m.group(1), 16))] = None
    if not chars:
        return None
    described = ", ".join(" ".join(x for x in (f"“{c}”", f"U+{ord(c):04X}", unicodedata.name(c, "").title()) if x)
                          for c in chars)
    packages = sorted({font_package(c) for c in chars})
    line = None
    if source is not None:
        try:
            for number, text in enumerate(Path(source).read_text(encoding="utf-8").splitlines(), start=1):
                if any(c in text for c in chars):
                    line = number
                    break
        except OSError:
            pass
    return UserError(f"no installed font has a glyph for {described}; the PDF would show empty boxes "
                     "(tofu) there.", source, line,
                     f"Install {' and '.join(packages)} (e.g. sudo apt-get install "
                     f"{' '.join(p for p in packages if p.startswith('fonts-'))}), or replace the characters.")


# ---------------------------------------------------------------------------
# The finished PDF, as a reader's tools see it


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class PdfPage:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def pdf_words(pdf: Path) -> list[PdfPage]:
    """Words with bounding boxes (pt, origin top left) per page, from ``pdftotext -bbox``."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    text = out.decode("utf-8")
    pages = []
    for number, m in enumerate(re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', text, re.S),
                               start=1):
        words = [Word(_html.unescape(w.group(5)), float(w.group(1)), float(w.group(2)),
                      float(w.group(3)), float(w.group(4)))
                 for w in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                      r'yMax="([\d.]+)">(.*?)</word>', m.group(3))]
        pages.append(PdfPage(number, float(m.group(1)), float(m.group(2)), words))
    return pages


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def pdf_link_pages(pdf: Path) -> dict:
    """Named destinations and internal links: ``{"dests": {name: page}, "links": {name: [page]}}``."""
    import pikepdf

    result = {"dests": {}, "links": {}}
    with pikepdf.open(pdf) as doc:
        page_numbers = {page.obj.objgen: i for i, page in enumerate(doc.pages, start=1)}
        names = doc.Root.get("/Names")
        if names is not None and "/Dests" in names:
            tree = pikepdf.NameTree(names.Dests)
            for name, dest in tree.items():
                array = dest.get("/D") if isinstance(dest, pikepdf.Dictionary) else dest
                result["dests"][str(name)] = page_numbers.get(array[0].objgen)
        for i, page in enumerate(doc.pages, start=1):
            for annot in page.obj.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                target = annot.get("/Dest")
                if target is None and "/A" in annot and annot.A.get("/S") == "/GoTo":
                    target = annot.A.get("/D")
                if isinstance(target, (pikepdf.String, pikepdf.Name)):
                    result["links"].setdefault(str(target).lstrip("/"), []).append(i)
    return result


def page_images(pdf: Path, dpi: int = 100, first: int | None = None, last: int | None = None,
                gray: bool = True) -> list:
    """Grey-scale renderings of the pages (PIL images), from one ``pdftoppm`` run (what a reader sees)."""
    import tempfile

    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        args = ["pdftoppm", "-r", str(dpi)] + (["-gray"] if gray else [])  # PGM/PPM: no PNG compression
        if first:
            args += ["-f", str(first)]
        if last:
            args += ["-l", str(last)]
        subprocess.run(args + [str(pdf), f"{tmp}/p"], capture_output=True, check=True)
        files = sorted(Path(tmp).glob("p-*.p?m"), key=lambda f: int(f.stem.split("-")[-1]))
        images = []
        for f in files:
            with Image.open(f) as im:
                images.append(im.convert("L" if gray else "RGB"))
        return images


def rule_y(image, dpi: int = 100, min_fraction: float = 0.6) -> float | None:
    """The y (pt from the top) of the lowest long horizontal rule in a page image — the footnote
    separator: the lowest pixel row holding a dark run of at least *min_fraction* of the text width."""
    width, height = image.size
    data = image.tobytes()
    run = re.compile(rb"[\x00-\xe5]{%d,}" % max(1, int(min_fraction * width * 0.72)))  # text ~72 % of page
    lowest = None
    for y in range(height):
        if run.search(data, y * width, (y + 1) * width):
            lowest = y
    return None if lowest is None else lowest * 72 / dpi


def footnote_rule_y(pdf: Path, page: int, dpi: int = 100) -> float | None:
    """:func:`rule_y` of one page of *pdf*."""
    images = page_images(pdf, dpi, page, page)
    return rule_y(images[0], dpi) if images else None


def find_phrase(page: PdfPage, phrase: str) -> list[Word] | None:
    """The words of *page* that spell *phrase* (compared squeezed), or None."""
    target = squeeze(phrase)
    if not target:
        return None
    words = page.words
    for start in range(len(words)):
        acc = ""
        for end in range(start, len(words)):
            acc += squeeze(words[end].text)
            if acc.startswith(target):  # the last word may run on ("too." for "too")
                return words[start:end + 1]
            if not target.startswith(acc):
                break
    return None


def verify_pdf_notes(pdf: Path, notes: dict[str, tuple[str, str]], called: list[str],
                     prefix_words: int = 8) -> list[NoteProblem]:
    """The PDF-level check: each called note's opening words lie below the footnote rule of the
    page whose link ``#<id>`` is its call, and its number links back to the call."""
    pages = pdf_words(pdf)
    links = pdf_link_pages(pdf)
    rules = [rule_y(image) for image in page_images(pdf, 100)]
    problems = []
    for fid in called:
        label, text = notes[fid]
        call_pages = sorted(set(links["links"].get(fid, [])))
        back_pages = sorted(set(links["links"].get(f"{fid}-ref", [])))
        if not call_pages:
            problems.append(NoteProblem("dropped", fid, label, "has no linked call in the PDF"))
            continue
        page_no = call_pages[0]
        phrase = " ".join(text.split()[:prefix_words])
        hit = find_phrase(pages[page_no - 1], phrase)
        if hit is None:
            elsewhere = [p.number for p in pages if find_phrase(p, phrase)]
            detail = (f"is called on page {page_no} but printed on page {elsewhere[0]}" if elsewhere
                      else f"is called on page {page_no} but its text is in the PDF nowhere")
            problems.append(NoteProblem("moved" if elsewhere else "dropped", fid, label, detail))
            continue
        rule = rules[page_no - 1]
        if rule is None or hit[0].y0 < rule:
            problems.append(NoteProblem("moved", fid, label,
                                        f"is on page {page_no} but not below the footnote rule"))
            continue
        if back_pages != [page_no] or links["dests"].get(fid) != page_no or links["dests"].get(f"{fid}-ref") != page_no:
            problems.append(NoteProblem("unlinked", fid, label,
                                        f"is not linked both ways on page {page_no} (back link on {back_pages})"))
    return problems
