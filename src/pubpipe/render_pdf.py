"""The finished JATS → print HTML → PDF, with WeasyPrint in-process.

    make_pdf(jats_xml, out_pdf, manuscript_folder, paper=None, pdf_variants=None)

The content comes from the JATS only, through the one JATS→HTML transform
(:func:`pubpipe.jats_to_html.render_article` with notes ``"inline"``), then
adapted for paper here: footnote calls and note numbers become links both ways,
MathML becomes SVG (:mod:`pubpipe.math_svg`), a masthead is completed, running
heads and the paper size go into a generated stylesheet beside the packaged
``assets/print.css``. The front matter (:class:`pubpipe.metadata.Metadata`) is
read only for print options (``paper``, ``pdf-variants``) and dates.

Before anything is written the build checks what WeasyPrint laid out
(:mod:`pubpipe.pdf_checks`): every ``<fn>`` of the JATS must be printed, whole,
at the foot of the page that carries its call, and no character may have been
drawn as .notdef (tofu). Either failure is a :class:`~pubpipe.errors.UserError`
naming the notes or characters; the previous PDF stays in place.

Outputs, written atomically: ``<slug>.pdf`` (A4 or US Letter), and beside it the
variants the front matter's ``pdf-variants`` (or the ``pdf_variants`` option)
asks for: ``<slug>.pdfa.pdf`` (PDF/A-3b carrying the JATS as an associated
file), ``<slug>.pdfua.pdf`` (PDF/UA-1, tagged, alt text on figures and
formulas), ``<slug>.print.pdf`` (3 mm bleed, crop and registration marks).
Dates come from the front matter or SOURCE_DATE_EPOCH, never the clock, so a
rebuild gives the same bytes.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as _dt
import io
import logging
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from lxml import etree

from . import __version__ as PUBPIPE_VERSION
from . import atomic
from .errors import UserError, warn
from .jats import XML_NS, parse_jats, text_of
from .jats_to_html import contrib_name, render_article

VARIANT_SUFFIX = {"pdf/a-3b": "pdfa", "pdf/ua-1": "pdfua", "print": "print"}
PAPER = {"a4": "A4", "letter": "letter"}
BODY_FONT_PX = 10 * 4 / 3  # print.css: html { font-size: 10pt }
NOTE_FONT_PX = 7.8 * 4 / 3  # .footnote { font-size: 7.8pt }
FALLBACK_TIME = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)  # attachments need a date: never the clock

NOTES_HINT = ("This is a WeasyPrint layout defect, not a fault in the manuscript: shorten the note "
              "or the paragraph that calls it, or report it with the manuscript.")


# ---------------------------------------------------------------------------
# Options


@dataclass
class PrintOptions:
    paper: str = "a4"
    variants: list[str] = field(default_factory=list)
    created: str | None = None  # W3C date(-time) for /CreationDate, dcterms.created
    modified: str | None = None
    attachment_time: _dt.datetime = FALLBACK_TIME
    source: Path | None = None  # the Markdown file, for error messages


def _w3c(when: _dt.datetime) -> str:
    return when.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def print_options(manuscript_folder: Path, tree: etree._ElementTree, options: dict) -> PrintOptions:
    """Paper, variants and dates: the options dict wins over the front matter."""
    from .manuscript import load_manuscript
    from .metadata import PAPER_SIZES, PDF_VARIANTS

    meta = None
    # The JATS stage has shown the front matter's warnings already: do not repeat them.
    with contextlib.suppress(UserError, OSError), contextlib.redirect_stderr(io.StringIO()):
        meta = load_manuscript(manuscript_folder).meta
    opts = PrintOptions(source=meta.source if meta else None)

    paper = (options.get("paper") or (meta.paper if meta else "") or "a4").lower()
    if paper not in PAPER_SIZES:
        raise UserError(f"'{paper}' is not a paper size.", hint=f"Use one of: {', '.join(PAPER_SIZES)}.")
    opts.paper = paper

    variants = options.get("pdf_variants", options.get("variants"))
    if variants is None:
        variants = meta.pdf_variants if meta else []
    if isinstance(variants, str):
        variants = [v.strip() for v in variants.split(",") if v.strip()]
    variants = [v.lower() for v in variants]
    for v in variants:
        if v not in PDF_VARIANTS:
            raise UserError(f"'{v}' is not a PDF variant.", hint=f"Use any of: {', '.join(PDF_VARIANTS)}.")
    opts.variants = list(dict.fromkeys(variants))

    # Dates: the front matter's (else the JATS's) publication date, SOURCE_DATE_EPOCH, never the clock.
    date = ""
    if meta is not None:
        date = meta.date or meta.date_accepted or meta.date_received
    if not date:
        root = tree.getroot()
        for path in ("front/article-meta/pub-date", "front/article-meta/history/date[@date-type='accepted']",
                     "front/article-meta/history/date[@date-type='received']"):
            el = root.find(path)
            if el is not None and el.get("iso-8601-date"):
                date = el.get("iso-8601-date")
                break
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    epoch_time = None
    if epoch:
        if not epoch.isdigit():
            raise UserError(f"SOURCE_DATE_EPOCH is '{epoch}', not a number of seconds.",
                            hint="Set it to an integer such as 1700000000, or unset it.")
        epoch_time = _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    if date:
        opts.created = date
        parts = [int(p) for p in date.split("-")] + [1, 1]
        opts.attachment_time = _dt.datetime(parts[0], parts[1], parts[2], tzinfo=_dt.timezone.utc)
    if epoch_time is not None:
        opts.modified = _w3c(epoch_time)
        opts.created = opts.created or opts.modified
        opts.attachment_time = epoch_time
    else:
        opts.modified = opts.created
    return opts


# ---------------------------------------------------------------------------
# Print HTML


@dataclass
class PrintDocument:
    html: str
    css: str
    base_url: str
    folder: Path
    notes: dict = field(default_factory=dict)  # fn id -> (label, expected text)
    called: list = field(default_factory=list)  # fn ids with a call, in order
    title: str = ""


def _plain(el: etree._Element | None) -> str:
    return " ".join(text_of(el).split()) if el is not None else ""


def _css_string(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = re.sub(r"[\n\r\f]", " ", out)
    return f'"{out}"'


def running_heads(root: etree._Element) -> tuple[str, str]:
    """(recto: short title, verso: authors) from the JATS."""
    meta = root.find("front/article-meta")
    if meta is None:
        return "", ""
    short = meta.find("title-group/alt-title[@alt-title-type='running-head']")
    title = _plain(short) if short is not None else _plain(meta.find("title-group/article-title"))
    names = [contrib_name(c) for c in meta.findall("contrib-group/contrib")
             if c.get("contrib-type", "author") == "author"]
    if len(names) > 2:
        first = meta.find("contrib-group/contrib")
        surname = first.findtext("name/surname") if first is not None else None
        authors = f"{(surname or names[0]).strip()} et al."
    else:
        authors = " and ".join(names)
    return title, authors


def note_texts(root: etree._Element) -> dict[str, tuple[str, str]]:
    """Every ``<fn>`` of the JATS: id → (label, its text without label and formulas)."""
    notes = {}
    skip = {"label", "inline-formula", "disp-formula", f"{{http://www.w3.org/1998/Math/MathML}}math"}

    def text(el: etree._Element) -> str:
        parts = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str) and child.tag not in skip:
                parts.append(text(child))
            parts.append(child.tail or "")
        return "".join(parts)

    for i, fn in enumerate(root.iter("fn"), start=1):
        fid = fn.get("id") or f"fn-unnamed-{i}"
        notes[fid] = ((fn.findtext("label") or "").strip(), " ".join(text(fn).split()))
    return notes


def _link_footnotes(article: etree._Element) -> list[str]:
    """Give each footnote a linked call and a linked number (WeasyPrint's call and marker cannot link)."""
    called = []
    seen: set[str] = set()
    for span in list(article.iter("span")):
        if "footnote" not in (span.get("class") or "").split():
            continue
        fid = span.get("id", "")
        label = span.get("data-note", "")
        call = etree.Element("a", {"class": "fn-call", "href": f"#{fid}", "role": "doc-noteref"})
        call.text = label
        parent = span.getparent()
        if fid in seen:  # a second call of the same note: a link to it, no second copy
            call.tail = span.tail
            parent.replace(span, call)
            continue
        seen.add(fid)
        called.append(fid)
        call.set("id", f"{fid}-ref")
        call.set("aria-label", f"Note {label}")
        parent.insert(parent.index(span), call)
        back = etree.Element("a", {"class": "fn-back", "href": f"#{fid}-ref", "role": "doc-backlink"})
        back.text = f"{label}" if label else "*"
        back.tail = span.text
        span.text = None
        span.insert(0, back)
        span.set("role", "doc-footnote")
    return called


def _complete_masthead(article: etree._Element, root: etree._Element) -> None:
    """A masthead even for an article with no journal: its type, year and licence."""
    header = article.find("header")
    if header is None:
        return
    masthead = header.find("div[@class='masthead']")
    if masthead is None:
        masthead = etree.Element("div", {"class": "masthead"})
        header.insert(0, masthead)
    if masthead.find("span[@class='article-type']") is None:
        kind = (root.get("article-type") or "research-article").replace("-", " ")
        span = etree.Element("span", {"class": "article-type"})
        span.text = kind[:1].upper() + kind[1:]
        journal = masthead.find("span[@class='journal-title']")
        masthead.insert(1 if journal is not None and masthead.index(journal) == 0 else 0, span)
    meta = root.find("front/article-meta")
    if meta is not None and masthead.find("span[@class='issue']") is None:
        year = meta.findtext("pub-date/year")
        if year:
            span = etree.SubElement(masthead, "span", {"class": "issue"})
            span.text = year
    if meta is not None and masthead.find("span[@class='license-badge']") is None:
        statement = meta.findtext("permissions/copyright-statement")
        if statement:
            span = etree.SubElement(masthead, "span", {"class": "license-badge"})
            span.text = statement.strip()


def _with_math_alt(root: etree._Element) -> etree._Element:
    """A copy of the JATS whose formulas without ``alttext`` take their TeX source as alt text."""
    mml = "{http://www.w3.org/1998/Math/MathML}math"
    if not any(m.get("alttext") is None for m in root.iter(mml)):
        return root
    root = copy.deepcopy(root)
    for formula in root.iter("inline-formula", "disp-formula"):
        tex = formula.find(".//tex-math")
        if tex is None or not (tex.text or "").strip():
            continue
        for math in formula.iter(mml):
            if math.get("alttext") is None:
                math.set("alttext", " ".join(tex.text.split()))
    return root


FAR_CHARS = 2500  # about half a page of text: closer targets are (likely) on the same page


def _mark_far_xrefs(article: etree._Element) -> None:
    """Class "far" on cross-references whose target is likely on another page (they get "p. N")."""
    offsets: dict[str, int] = {}
    xrefs: list[tuple[etree._Element, int]] = []
    position = 0
    for event, el in etree.iterwalk(article, events=("start", "end")):
        if event == "start":
            if el.get("id"):
                offsets.setdefault(el.get("id"), position)
            if el.tag == "a" and "xref" in (el.get("class") or "").split():
                xrefs.append((el, position))
            position += len(el.text or "")
        else:
            position += len(el.tail or "")
    for a, at in xrefs:
        target = (a.get("href") or "")[1:]
        if target in offsets and abs(offsets[target] - at) > FAR_CHARS:
            a.set("class", a.get("class") + " far")


def _check_images(article: etree._Element, folder: Path, source: Path | None) -> None:
    root_dir = folder.resolve()
    for img in article.iter("img"):
        src = img.get("src", "")
        if src.startswith("data:"):
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
            raise UserError(f"the figure '{src}' is not a file in the manuscript folder; the PDF build "
                            "fetches nothing from the network.", source,
                            hint="Download it into figures/ and refer to it by its relative path.")
        path = (folder / src).resolve()
        try:
            path.relative_to(root_dir)
        except ValueError:
            raise UserError(f"the figure '{src}' lies outside the manuscript folder.", source,
                            hint="Keep figures in the manuscript's figures/ folder.") from None
        if not path.is_file():
            raise UserError(f"the figure '{src}' does not exist.", source,
                            hint=f"Add {folder / src} or fix the image path.")


def build_print_html(tree: etree._ElementTree, folder: Path, opts: PrintOptions) -> PrintDocument:
    """The print HTML and its generated stylesheet for a finished JATS tree."""
    from .math_svg import replace_math

    root = _with_math_alt(tree.getroot())
    article = render_article(root, notes="inline")
    called = _link_footnotes(article)
    _complete_masthead(article, root)
    _mark_far_xrefs(article)

    def math_error(alt, exc):
        warn(f"a formula could not be typeset ({exc}); its text is printed instead: {alt[:60]}", opts.source)

    for span in article.iter("span"):
        if "footnote" in (span.get("class") or "").split():
            replace_math(span, font_px=NOTE_FONT_PX, on_error=math_error)
    replace_math(article, font_px=BODY_FONT_PX, on_error=math_error)
    _check_images(article, folder, opts.source)

    meta = root.find("front/article-meta")
    title = _plain(meta.find("title-group/article-title")) if meta is not None else ""
    subtitle = _plain(meta.find("title-group/subtitle")) if meta is not None else ""
    full_title = f"{title}: {subtitle}" if subtitle else title
    lang = root.get(f"{{{XML_NS}}}lang") or "en"

    html = etree.Element("html", lang=lang)
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "title").text = full_title or "Untitled"
    if meta is not None:
        for contrib in meta.findall("contrib-group/contrib"):
            etree.SubElement(head, "meta", name="author", content=contrib_name(contrib))
        abstract = _plain(meta.find("abstract"))
        description = abstract or subtitle
        if description:
            etree.SubElement(head, "meta", name="description", content=description)
        kwds = [_plain(k) for k in meta.findall("kwd-group/kwd")]
        if kwds:
            etree.SubElement(head, "meta", name="keywords", content=", ".join(kwds))
    import weasyprint

    etree.SubElement(head, "meta", name="generator",
                     content=f"pubpipe {PUBPIPE_VERSION} (WeasyPrint {weasyprint.__version__})")
    if opts.created:
        etree.SubElement(head, "meta", name="dcterms.created", content=opts.created)
    if opts.modified:
        etree.SubElement(head, "meta", name="dcterms.modified", content=opts.modified)
    body = etree.SubElement(html, "body")
    body.append(article)

    recto, verso = running_heads(root)
    css = page_css(opts.paper, recto, verso)
    text = "<!DOCTYPE html>\n" + etree.tostring(html, encoding="unicode", method="html")
    return PrintDocument(html=text, css=css, base_url=str(folder.resolve()) + os.sep, folder=folder,
                         notes=note_texts(root), called=called, title=full_title)


def page_css(paper: str, recto: str, verso: str, print_shop: bool = False) -> str:
    """The generated part of the stylesheet: paper size, running heads, print-shop marks."""
    size = PAPER.get(paper, "A4")
    lines = [f"@page {{ size: {size}; }}"]
    if recto:
        lines.append(f"@page :right {{ @top-center {{ content: {_css_string(recto)}; }} }}")
    if verso:
        lines.append(f"@page :left {{ @top-center {{ content: {_css_string(verso)}; }} }}")
    lines.append("@page :first { @top-center { content: none; } }")
    if print_shop:
        lines.append("@page { bleed: 3mm; marks: crop cross; }")
    return "\n".join(lines) + "\n"


def stylesheet_text() -> str:
    return resources.files("pubpipe").joinpath("assets/print.css").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# WeasyPrint


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def collect_weasyprint_messages():
    logger = logging.getLogger("weasyprint")
    handler = _Collector()
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def _url_fetcher(folder: Path):
    from weasyprint.urls import URLFetcher

    root_dir = folder.resolve()
    fetcher = URLFetcher()

    def fetch(url: str, *args, **kwargs):
        if url.startswith("data:"):
            return fetcher(url, *args, **kwargs)
        if url.startswith("file://"):
            from urllib.parse import unquote, urlsplit

            path = Path(unquote(urlsplit(url).path)).resolve()
            try:
                path.relative_to(root_dir)
            except ValueError:
                raise ValueError(f"{url} lies outside the manuscript folder") from None
            return fetcher(url, *args, **kwargs)
        raise ValueError(f"{url}: the PDF build fetches nothing from the network")

    return fetch


def render(doc: PrintDocument, extra_css: str = ""):
    """Lay the print HTML out with WeasyPrint; return (Document, messages)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from . import weasy_patches

    weasy_patches.apply()
    fonts = FontConfiguration()
    with collect_weasyprint_messages() as records:
        html = HTML(string=doc.html, base_url=doc.base_url, url_fetcher=_url_fetcher(doc.folder))
        sheets = [CSS(string=stylesheet_text(), font_config=fonts),
                  CSS(string=doc.css + extra_css, font_config=fonts)]
        document = html.render(stylesheets=sheets, font_config=fonts)
    return document, list(records)


def write(document, **pdf_options) -> tuple[bytes, list]:
    with collect_weasyprint_messages() as records:
        data = document.write_pdf(**pdf_options)
    return data, list(records)


def _fail_on_messages(records: list, source: Path | None) -> None:
    from .pdf_checks import tofu_error

    error = tofu_error(records, source)
    if error:
        raise error
    for record in records:
        message = record.getMessage()
        if record.levelno >= logging.ERROR and ("image" in message.lower() or "Failed to load" in message):
            raise UserError(f"the PDF could not include a resource: {message}", source,
                            hint="Check the figure paths and files in the manuscript folder.")


def check_layout(document, doc: PrintDocument) -> list:
    """Every note in place (:func:`pubpipe.pdf_checks.verify_notes`) and no text under the notes."""
    from .pdf_checks import NoteProblem, layout_overlaps, verify_notes

    problems = verify_notes(document, doc.notes, doc.called)
    for page, overlap in layout_overlaps(document):
        problems.append(NoteProblem("overlap", "-", "", f"area of page {page} is overlapped by the text "
                                    f"above it ({overlap:.1f} px)"))
    return problems


def _render_checked(doc: PrintDocument, source: Path | None, extra_css: str = ""):
    """Render and check the notes; re-render once, moving the paragraphs that call
    misplaced or dropped notes to the page of their notes, before giving up."""
    from .pdf_checks import NoteCheckError

    document, records = render(doc, extra_css)
    _fail_on_messages(records, source)
    problems = check_layout(document, doc)
    movable = [p for p in problems if p.kind in ("moved", "dropped")]
    if movable and len(movable) == len(problems):
        # WeasyPrint lost or deferred notes: ask it to take the whole calling paragraph
        # to the next page when a note does not fit ("block" rather than "line").
        fix = "".join(f'#{_css_ident(p.note_id)} {{ footnote-policy: block; }}\n' for p in movable)
        document, records = render(doc, extra_css + fix)
        _fail_on_messages(records, source)
        problems = check_layout(document, doc)
    if problems:
        raise NoteCheckError(problems, source, hint=NOTES_HINT)
    return document


def _css_ident(ident: str) -> str:
    return re.sub(r"([^A-Za-z0-9_-])", r"\\\1", ident)


# ---------------------------------------------------------------------------
# The rendition


def variant_path(out_pdf: Path, variant: str) -> Path:
    return out_pdf.with_name(f"{out_pdf.stem}.{VARIANT_SUFFIX[variant]}.pdf")


def make_pdf(jats_xml: Path, out_pdf: Path, manuscript_folder: Path, **options) -> None:
    """Finished JATS → ``out_pdf`` (+ the variants asked for), every note verified, no tofu."""
    jats_xml, out_pdf, folder = Path(jats_xml), Path(out_pdf), Path(manuscript_folder)
    tree = parse_jats(jats_xml)
    opts = print_options(folder, tree, options)
    doc = build_print_html(tree, folder, opts)

    document = _render_checked(doc, opts.source)
    outputs: dict[Path, bytes] = {}
    data, records = write(document)
    _fail_on_messages(records, opts.source)
    outputs[out_pdf] = data

    for variant in opts.variants:
        target = variant_path(out_pdf, variant)
        if variant == "pdf/a-3b":
            outputs[target] = _write_pdfa(document, jats_xml, opts)
        elif variant == "pdf/ua-1":
            data, records = write(document, pdf_variant="pdf/ua-1")
            _fail_on_messages(records, opts.source)
            outputs[target] = data
        elif variant == "print":
            shop = _render_checked(doc, opts.source, page_css(opts.paper, "", "", print_shop=True))
            data, records = write(shop)
            _fail_on_messages(records, opts.source)
            outputs[target] = data
    for path, data in outputs.items():
        atomic.write_bytes(path, data)
    for variant in VARIANT_SUFFIX:  # a variant no longer asked for is not left behind, stale
        stale = variant_path(out_pdf, variant)
        if variant not in opts.variants and stale.is_file():
            stale.unlink()


def _dedupe_af(document, pdf) -> None:
    """WeasyPrint lists the attachment twice in the catalog's /AF (by name tree and by object)."""
    import pydyf

    af = pdf.catalog.get("AF")
    if af:
        pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(af))


def _write_pdfa(document, jats_xml: Path, opts: PrintOptions) -> bytes:
    from weasyprint import Attachment

    attachment = Attachment(file_obj=io.BytesIO(jats_xml.read_bytes()), name=jats_xml.name,
                            description="JATS XML (1.3, Archiving) from which this PDF was made",
                            created=opts.attachment_time, modified=opts.attachment_time,
                            relationship="Source")
    data, records = write(document, pdf_variant="pdf/a-3b", attachments=[attachment], finisher=_dedupe_af)
    _fail_on_messages(records, opts.source)
    return data
