"""The finished JATS as an EPUB 3 (reflowable, EPUB Accessibility 1.1 / WCAG 2.x AA).

Layout of the container (entries in this order, every one dated with
:func:`pubpipe.article_info.build_time`, so two builds give identical bytes)::

    mimetype                     stored, first
    META-INF/container.xml
    EPUB/package.opf             metadata from the JATS front, accessibility metadata
    EPUB/nav.xhtml               table of contents + landmarks
    EPUB/cover.xhtml, cover.svg  cover generated from the title (no external asset)
    EPUB/article.xhtml           the article: render_article(notes="aside") in XHTML
    EPUB/css/epub.css            package asset src/pubpipe/assets/epub.css
    EPUB/fonts/*.otf             Noto Serif CJK subsets, when the text has CJK (see cjk_font)
    EPUB/figures/...             images from the manuscript folder

Footnotes are ``<aside epub:type="footnote">`` after the text, called by
``<a epub:type="noteref">`` and linked back, so reading systems show them as
pop-ups. The identifier is the DOI or a UUID derived from the slug (uuid5).
"""

from __future__ import annotations

import datetime as _dt
import io
import uuid
import zipfile
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree

from . import atomic, cjk_font
from .article_info import (ArticleInfo, Figure, article_info, build_time, collect_figures, describe_math,
                           read_article)
from .errors import warn
from .jats import MML, XML_NS, text_of
from .jats_to_html import EPUB_NS, XHTML_NS, render_article, to_xhtml

OPF_NS = "http://www.idpf.org/2007/opf"
DC_NS = "http://purl.org/dc/elements/1.1/"
SLUG_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://pubpipe.invalid/epub-identifier")
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"
CJK_FAMILY = "pubpipe {} CJK"  # the embedded subset's CSS family name, per face


def make_epub(jats_xml: Path, out_epub: Path, manuscript_folder: Path, **options) -> Path:
    """Finished JATS → EPUB 3 at *out_epub* (written atomically). Unknown *options* are ignored."""
    jats_xml, out_epub = Path(jats_xml), Path(out_epub)
    tree = read_article(jats_xml)
    describe_math(tree)
    slug = jats_xml.stem
    info = article_info(tree, slug)
    when = build_time(info)
    figures = collect_figures(tree, Path(manuscript_folder), jats_xml)
    data = build_epub(tree, info, figures, when, embed_fonts=options.get("embed_fonts", True))
    atomic.write_bytes(out_epub, data)
    return out_epub


def identifier(info: ArticleInfo) -> str:
    """The EPUB's unique identifier: the DOI, else a UUID derived from the slug (never random)."""
    if info.doi:
        return f"urn:doi:{info.doi}"
    return f"urn:uuid:{uuid.uuid5(SLUG_NAMESPACE, info.slug)}"


# ---------------------------------------------------------------------------
# The article document


def _prepare_article(tree: etree._ElementTree, figures: list[Figure]) -> tuple[etree._Element, list[str]]:
    """render_article(notes="aside") plus the EPUB's semantics; returns (article, problems)."""
    article = render_article(tree, notes="aside")
    problems: list[str] = []
    targets = {f.href: f.target for f in figures}
    for img in article.iter("img"):
        src = img.get("src", "")
        if src in targets:
            img.set("src", targets[src])
        if not (img.get("alt") or "").strip():
            figure = img.getparent()
            caption = figure.find("figcaption") if figure is not None else None
            problems.append(src)
            img.set("alt", " ".join(text_of(caption).split()) if caption is not None else "Image")
    _semantics(article)
    _unique_ids(article)
    return article, problems


def _semantics(article: etree._Element) -> None:
    """epub:type with its matching DPUB-ARIA role on the parts reading systems look for."""
    for section in article.iter("section"):
        cls = section.get("class", "")
        if "abstract" in cls.split():
            section.set(f"{{{EPUB_NS}}}type", "abstract")
            section.set("role", "doc-abstract")
        elif "footnotes" in cls.split():
            section.set("id", section.get("id") or "notes")
        elif "references" in cls.split():
            section.set(f"{{{EPUB_NS}}}type", "bibliography")  # entries untyped: "biblioentry" is deprecated
    body = article.find("div[@id='article-body']")
    if body is not None:
        body.set(f"{{{EPUB_NS}}}type", "bodymatter")


def _unique_ids(root: etree._Element) -> None:
    seen: set[str] = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        value = el.get("id")
        if value is None:
            continue
        if not value:
            del el.attrib["id"]
            continue
        candidate, n = value, 1
        while candidate in seen:
            n += 1
            candidate = f"{value}-{n}"
        if candidate != value:
            el.set("id", candidate)
        seen.add(candidate)


def _sections_for_nav(article: etree._Element) -> list[tuple[str, str, list]]:
    """(id, heading text, children) for the article's sections, giving ids to those without."""
    counter = [0]

    def walk(container: etree._Element) -> list:
        out = []
        for section in container.iter("section"):
            # only direct section descendants (not through another section)
            parent = section.getparent()
            while parent is not None and parent is not container and parent.tag != "section":
                parent = parent.getparent()
            if parent is not container:
                continue
            heading = next((c for c in section if c.tag in ("h2", "h3", "h4", "h5", "h6")), None)
            if heading is None:
                continue
            if not section.get("id"):
                counter[0] += 1
                section.set("id", f"section-{counter[0]}")
            out.append((section.get("id"), " ".join(text_of(heading).split()), walk(section)))
        return out

    return walk(article)


def _xhtml_document(body_children: list[etree._Element], title: str, lang: str,
                    css: bool = True, body_type: str | None = None) -> bytes:
    """An XHTML5 content document with clean namespace prefixes around (namespaced) *body_children*."""
    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS, "epub": EPUB_NS})
    html.set("lang", lang)
    html.set(f"{{{XML_NS}}}lang", lang)
    head = etree.SubElement(html, f"{{{XHTML_NS}}}head")
    etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    t = etree.SubElement(head, f"{{{XHTML_NS}}}title")
    t.text = title
    if css:
        etree.SubElement(head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href="css/epub.css")
    body = etree.SubElement(html, f"{{{XHTML_NS}}}body")
    if body_type:
        body.set(f"{{{EPUB_NS}}}type", body_type)
    for child in body_children:
        _rebuild(child, body)
    return etree.tostring(html, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>") + b"\n"


def _rebuild(src: etree._Element, parent: etree._Element) -> None:
    """Copy *src* under *parent*, declaring MathML as the default namespace on each <math>."""
    if not isinstance(src.tag, str):
        return
    if src.tag.startswith(f"{{{MML}}}") and not parent.tag.startswith(f"{{{MML}}}"):
        new = etree.SubElement(parent, src.tag, nsmap={None: MML})
    else:
        new = etree.SubElement(parent, src.tag)
    for key, value in src.attrib.items():
        new.set(key, value)
    lang = src.get("lang")
    if lang and not src.tag.startswith(f"{{{MML}}}"):
        new.set(f"{{{XML_NS}}}lang", lang)
    new.text = src.text
    new.tail = src.tail
    for child in src:
        if isinstance(child.tag, str):
            _rebuild(child, new)
        elif len(new):
            new[-1].tail = (new[-1].tail or "") + (child.tail or "")
        else:
            new.text = (new.text or "") + (child.tail or "")


# ---------------------------------------------------------------------------
# Navigation, cover


def _nav_document(info: ArticleInfo, sections: list, has_notes: bool, has_refs: bool) -> bytes:
    def items(entries) -> str:
        out = []
        for sid, text, children in entries:
            sub = f"<ol>{items(children)}</ol>" if children else ""
            out.append(f'<li><a href="article.xhtml#{escape(sid)}">{escape(text)}</a>{sub}</li>')
        return "".join(out)

    landmarks = ['<li><a epub:type="cover" href="cover.xhtml">Cover</a></li>',
                 '<li><a epub:type="toc" href="nav.xhtml#toc">Table of contents</a></li>',
                 '<li><a epub:type="titlepage" href="article.xhtml#article-front">Title page</a></li>',
                 '<li><a epub:type="bodymatter" href="article.xhtml#article-body">Start of text</a></li>']
    if has_notes:
        landmarks.append('<li><a epub:type="footnotes" href="article.xhtml#notes">Notes</a></li>')
    if has_refs:
        landmarks.append('<li><a epub:type="bibliography" href="article.xhtml#references">References</a></li>')
    lang = escape(info.lang, {'"': "&quot;"})
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}">'
        f'<head><meta charset="utf-8"/><title>Contents</title>'
        '<link rel="stylesheet" type="text/css" href="css/epub.css"/></head><body>'
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        '<h1 id="toc-title">Contents</h1>'
        f'<ol><li><a href="article.xhtml#article-front">{escape(info.full_title)}</a></li>{items(sections)}</ol></nav>'
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">'
        f'<h2 id="landmarks-title">Landmarks</h2><ol>{"".join(landmarks)}</ol></nav>'
        '</body></html>\n').encode("utf-8")


def _wrap(text: str, width: float) -> list[str]:
    """Greedy line breaking by estimated advance (ideographs count double)."""
    def advance(s: str) -> float:
        return sum(1.9 if cjk_font.in_range(ch) else 1.0 for ch in s)

    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if advance(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
        while advance(line) > width * 1.25 and len(line) > 1:  # a long unbreakable run (CJK)
            cut = max(1, int(width / 1.9)) if cjk_font.in_range(line[0]) else int(width)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def cover_svg(info: ArticleInfo) -> bytes:
    """A 1600×2400 cover: journal, title, subtitle and authors on a plain ground."""
    w, h = 1600, 2400
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {w} {h}" '
             f'width="{w}" height="{h}" role="img" aria-labelledby="cover-title">',
             f'<title id="cover-title">{escape(info.full_title)}</title>',
             f'<rect width="{w}" height="{h}" fill="#1f2d3d"/>',
             f'<rect x="100" y="100" width="{w - 200}" height="{h - 200}" fill="none" stroke="#c9a227" stroke-width="6"/>']
    font = 'font-family="Noto Serif, Georgia, \'Times New Roman\', \'Noto Serif CJK SC\', serif"'
    y = 330
    top = info.journal or "pubpipe"
    parts.append(f'<text x="{w // 2}" y="{y}" text-anchor="middle" {font} font-size="56" '
                 f'letter-spacing="4" fill="#e8dcb5">{escape(top.upper())}</text>')
    if info.volume or info.issue or info.pub_date:
        bits = [f"Vol. {info.volume}" if info.volume else "", f"No. {info.issue}" if info.issue else "",
                info.pub_date[:4]]
        parts.append(f'<text x="{w // 2}" y="{y + 80}" text-anchor="middle" {font} font-size="44" '
                     f'fill="#e8dcb5">{escape(", ".join(b for b in bits if b))}</text>')
    y = 720
    title_lines = _wrap(info.title, 19)
    size = 120 if len(title_lines) <= 3 else 96
    for line in title_lines:
        parts.append(f'<text x="{w // 2}" y="{y}" text-anchor="middle" {font} font-size="{size}" '
                     f'font-weight="bold" fill="#ffffff">{escape(line)}</text>')
        y += int(size * 1.25)
    parts.append(f'<line x1="{w // 2 - 200}" y1="{y}" x2="{w // 2 + 200}" y2="{y}" stroke="#c9a227" stroke-width="6"/>')
    y += 130
    if info.subtitle:
        for line in _wrap(info.subtitle, 34):
            parts.append(f'<text x="{w // 2}" y="{y}" text-anchor="middle" {font} font-size="68" '
                         f'font-style="italic" fill="#f4efe1">{escape(line)}</text>')
            y += 90
    names = ", ".join(a.name for a in info.authors)
    y = max(y + 120, h - 420)
    for line in _wrap(names, 36)[:4]:
        parts.append(f'<text x="{w // 2}" y="{y}" text-anchor="middle" {font} font-size="64" '
                     f'fill="#ffffff">{escape(line)}</text>')
        y += 86
    parts.append("</svg>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + "\n".join(parts)).encode("utf-8")


def _cover_document(info: ArticleInfo) -> bytes:
    lang = escape(info.lang, {'"': "&quot;"})
    authors = ", ".join(a.name for a in info.authors)
    alt = f"Cover: {info.full_title}" + (f", by {authors}" if authors else "")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}">'
        f'<head><meta charset="utf-8"/><title>Cover</title>'
        '<link rel="stylesheet" type="text/css" href="css/epub.css"/></head>'
        '<body class="cover"><section epub:type="cover" class="cover">'
        f'<img src="cover.svg" role="doc-cover" alt="{escape(alt, {chr(34): "&quot;"})}"/>'
        '</section></body></html>\n').encode("utf-8")


# ---------------------------------------------------------------------------
# Package document


def _opf(info: ArticleInfo, when: _dt.datetime, manifest: list[tuple[str, str, str, str]],
         spine: list[tuple[str, bool]], a11y: dict) -> bytes:
    e = lambda s: escape(s, {'"': "&quot;"})  # noqa: E731
    meta: list[str] = []
    meta.append(f'<dc:identifier id="pub-id">{e(identifier(info))}</dc:identifier>')
    if info.doi:
        meta.append('<meta refines="#pub-id" property="identifier-type" scheme="onix:codelist5">06</meta>')
    meta.append(f'<dc:title id="title">{e(info.title)}</dc:title>')
    meta.append('<meta refines="#title" property="title-type">main</meta>')
    meta.append('<meta refines="#title" property="display-seq">1</meta>')
    if info.subtitle:
        meta.append(f'<dc:title id="subtitle">{e(info.subtitle)}</dc:title>')
        meta.append('<meta refines="#subtitle" property="title-type">subtitle</meta>')
        meta.append('<meta refines="#subtitle" property="display-seq">2</meta>')
        meta.append(f'<dc:title id="full-title">{e(info.full_title)}</dc:title>')
        meta.append('<meta refines="#full-title" property="title-type">expanded</meta>')
    for n, person in enumerate(info.authors, start=1):
        cid = f"creator-{n}"
        meta.append(f'<dc:creator id="{cid}">{e(person.name)}</dc:creator>')
        meta.append(f'<meta refines="#{cid}" property="file-as">{e(person.inverted)}</meta>')
        meta.append(f'<meta refines="#{cid}" property="display-seq">{n}</meta>')
        meta.append(f'<meta refines="#{cid}" property="role" scheme="marc:relators">aut</meta>')
        for term, _uri in person.roles:
            meta.append(f'<meta refines="#{cid}" property="role" scheme="credit:contributor-roles">{e(term)}</meta>')
        if person.orcid:
            meta.append(f'<meta refines="#{cid}" property="dcterms:identifier">{e(person.orcid)}</meta>')
        for aff in person.affiliations:
            meta.append(f'<meta refines="#{cid}" property="schema:affiliation">{e(aff)}</meta>')
    meta.append(f'<dc:language>{e(info.lang)}</dc:language>')
    if info.pub_date:
        meta.append(f"<dc:date>{e(info.pub_date)}</dc:date>")
    meta.append(f'<meta property="dcterms:modified">{when.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta>')
    if info.received:
        meta.append(f'<meta property="dcterms:dateSubmitted">{e(info.received)}</meta>')
    if info.accepted:
        meta.append(f'<meta property="dcterms:dateAccepted">{e(info.accepted)}</meta>')
    if info.rights:
        meta.append(f"<dc:rights>{e(info.rights)}</dc:rights>")
    if info.license_url:
        meta.append(f'<meta property="dcterms:license">{e(info.license_url)}</meta>')
    if info.copyright_holder:
        meta.append(f'<meta property="dcterms:rightsHolder">{e(info.copyright_holder)}</meta>')
    for kw in info.keywords:
        meta.append(f"<dc:subject>{e(kw)}</dc:subject>")
    if info.publisher:
        meta.append(f"<dc:publisher>{e(info.publisher)}</dc:publisher>")
    if info.abstract:
        meta.append(f"<dc:description>{e(info.abstract)}</dc:description>")
    if info.journal:
        meta.append(f'<meta property="belongs-to-collection" id="journal">{e(info.journal)}</meta>')
        if info.volume:
            meta.append(f'<meta refines="#journal" property="group-position">{e(info.volume)}</meta>')
        for _kind, issn in info.issns:
            meta.append(f'<meta refines="#journal" property="dcterms:identifier">urn:issn:{e(issn)}</meta>')
        citation = info.journal + "".join(
            f", {x}" for x in (f"vol. {info.volume}" if info.volume else "", f"no. {info.issue}" if info.issue else "",
                               f"pp. {info.fpage}–{info.lpage}" if info.fpage and info.lpage else "") if x)
        meta.append(f'<meta property="dcterms:bibliographicCitation">{e(citation)}</meta>')
    if info.doi:
        meta.append(f"<dc:source>https://doi.org/{e(info.doi)}</dc:source>")
    for mode in a11y["access_modes"]:
        meta.append(f'<meta property="schema:accessMode">{mode}</meta>')
    for sufficient in a11y["sufficient"]:
        meta.append(f'<meta property="schema:accessModeSufficient">{sufficient}</meta>')
    for feature in a11y["features"]:
        meta.append(f'<meta property="schema:accessibilityFeature">{feature}</meta>')
    meta.append('<meta property="schema:accessibilityHazard">none</meta>')
    meta.append(f'<meta property="schema:accessibilitySummary">{e(a11y["summary"])}</meta>')
    meta.append(f'<meta property="dcterms:conformsTo">{CONFORMS_TO}</meta>')
    meta.append(f'<meta property="a11y:certifiedBy">{e(info.publisher or "pubpipe")}</meta>')
    meta.append('<meta name="cover" content="cover-image"/>')

    items = []
    for item_id, href, media_type, props in manifest:
        p = f' properties="{props}"' if props else ""
        items.append(f'<item id="{item_id}" href="{e(href)}" media-type="{media_type}"{p}/>')
    no = ' linear="no"'
    refs = [f'<itemref idref="{i}"{"" if linear else no}/>' for i, linear in spine]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="{OPF_NS}" version="3.0" unique-identifier="pub-id" xml:lang="{e(info.lang)}" '
        'prefix="credit: https://credit.niso.org/ schema: http://schema.org/">\n'
        f'<metadata xmlns:dc="{DC_NS}">\n' + "\n".join(meta) + "\n</metadata>\n"
        "<manifest>\n" + "\n".join(items) + "\n</manifest>\n"
        "<spine>\n" + "\n".join(refs) + "\n</spine>\n</package>\n").encode("utf-8")


CONTAINER = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
             b'<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
             b'<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>'
             b"</rootfiles></container>\n")


def _accessibility(article: etree._Element, figures: list[Figure], alt_missing: list[str],
                   has_math: bool, has_notes: bool) -> dict:
    visual = bool(figures)
    modes = ["textual"] + (["visual"] if visual else [])
    sufficient = ["textual"] if not alt_missing else []
    if visual:
        sufficient.append("textual,visual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if visual and not alt_missing:
        features.append("alternativeText")
    if has_math:
        features += ["MathML", "describedMath"]
    summary = ("This publication conforms to EPUB Accessibility 1.1 and WCAG 2.1 Level AA. It has a table "
               "of contents and landmarks, headings in logical order, a reading order that follows the "
               "text, and reflowable text that can be resized and restyled. ")
    if visual:
        summary += ("Every image has a text alternative and a caption. " if not alt_missing else
                    "Some images lack a text alternative (their caption is used). ")
    if has_math:
        summary += "Mathematics is given as MathML with a text description. "
    if has_notes:
        summary += "Footnotes are linked to and from their calls and show as pop-up notes where supported. "
    summary += "There are no hazards (no flashing content, motion or sound)."
    return {"access_modes": modes, "sufficient": sufficient, "features": features, "summary": summary}


def _css(faces: dict[str, bytes]) -> bytes:
    css = resources.files("pubpipe").joinpath("assets/epub.css").read_text(encoding="utf-8")
    blocks = []
    for face in sorted(faces):
        blocks.append(f'@font-face {{\n  font-family: "{CJK_FAMILY.format(face.upper())}";\n'
                      f'  src: url("../fonts/NotoSerifCJK{face}-subset.otf") format("opentype");\n'
                      f'  unicode-range: {cjk_font.UNICODE_RANGE};\n}}\n')
    return ("".join(blocks) + css).encode("utf-8")


def _cjk_text_by_face(article: etree._Element, base_lang: str) -> dict[str, str]:
    """The CJK characters of the article, grouped by the Noto face their language wants."""
    out: dict[str, set[str]] = {}
    base_face = cjk_font.face_for_lang(base_lang) or "sc"

    def walk(el: etree._Element, face: str) -> None:
        if not isinstance(el.tag, str):
            return
        lang = el.get("lang")
        if lang:
            face = cjk_font.face_for_lang(lang) or face
        if el.text:
            out.setdefault(face, set()).update(cjk_font.cjk_chars(el.text))
        for child in el:
            walk(child, face)
            if child.tail:
                out.setdefault(face, set()).update(cjk_font.cjk_chars(child.tail))

    walk(article, base_face)
    return {face: "".join(sorted(chars)) for face, chars in out.items() if chars}


def build_epub(tree: etree._ElementTree, info: ArticleInfo, figures: list[Figure], when: _dt.datetime,
               embed_fonts: bool = True) -> bytes:
    article, alt_missing = _prepare_article(tree, figures)
    for src in alt_missing:
        warn(f"the image '{src}' has no alt text; the EPUB uses its caption instead.")
    article.set("id", "article")
    front = article.find("header")
    if front is not None:
        front.set("id", front.get("id") or "article-front")
    sections = _sections_for_nav(article)
    has_notes = article.find(".//section[@id='notes']") is not None
    has_refs = article.find(".//section[@id='references']") is not None
    has_math = next(article.iter("math"), None) is not None

    faces: dict[str, bytes] = {}
    if embed_fonts:
        for face, chars in _cjk_text_by_face(article, info.lang).items():
            data = cjk_font.subset_font(face, chars)
            if data is None:
                warn(f"Noto Serif CJK {face.upper()} is not installed, so the EPUB does not embed a font for "
                     f"its {len(chars)} CJK characters (install Debian's fonts-noto-cjk).")
            else:
                faces[face] = data

    xhtml = to_xhtml(article)
    files: dict[str, bytes] = {}
    files["EPUB/article.xhtml"] = _xhtml_document([xhtml], info.full_title, info.lang)
    files["EPUB/nav.xhtml"] = _nav_document(info, sections, has_notes, has_refs)
    files["EPUB/cover.xhtml"] = _cover_document(info)
    files["EPUB/cover.svg"] = cover_svg(info)
    files["EPUB/css/epub.css"] = _css(faces)
    for face, data in sorted(faces.items()):
        files[f"EPUB/fonts/NotoSerifCJK{face}-subset.otf"] = data
    for fig in figures:
        files[f"EPUB/{fig.target}"] = fig.source.read_bytes()

    manifest = [("nav", "nav.xhtml", "application/xhtml+xml", "nav"),
                ("cover", "cover.xhtml", "application/xhtml+xml", ""),
                ("cover-image", "cover.svg", "image/svg+xml", "cover-image"),
                ("article", "article.xhtml", "application/xhtml+xml", "mathml" if has_math else ""),
                ("css", "css/epub.css", "text/css", "")]
    for face in sorted(faces):
        manifest.append((f"font-{face}", f"fonts/NotoSerifCJK{face}-subset.otf", "font/otf", ""))
    for n, fig in enumerate(figures, start=1):
        manifest.append((f"image-{n}", fig.target, fig.media_type, ""))
    a11y = _accessibility(article, figures, alt_missing, has_math, has_notes)
    files["EPUB/package.opf"] = _opf(info, when, manifest, [("cover", True), ("nav", True), ("article", True)], a11y)
    return _zip(files, when)


def _zip(files: dict[str, bytes], when: _dt.datetime) -> bytes:
    """mimetype first and stored; then container, package, the rest by name; fixed dates and modes."""
    stamp = max(when, _dt.datetime(1980, 1, 1, tzinfo=_dt.timezone.utc))
    date_time = stamp.timetuple()[:6]
    order = ["META-INF/container.xml", "EPUB/package.opf"] + sorted(
        n for n in files if n not in ("EPUB/package.opf",))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        entries = [("mimetype", b"application/epub+zip"), ("META-INF/container.xml", CONTAINER)]
        entries += [(name, files[name]) for name in order[1:]]
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=date_time)
            zi.create_system = 3
            zi.external_attr = (0o100644 << 16)
            if name == "mimetype":
                zi.compress_type = zipfile.ZIP_STORED
                zf.writestr(zi, data)
            else:
                zi.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(zi, data, compresslevel=9)
    return buf.getvalue()

