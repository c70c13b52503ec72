"""The finished JATS as HTML: one content model for the web page, the EPUB and the print PDF.

:func:`render_article` turns a JATS article into an HTML ``<article>`` element
(plain HTML tag names; MathML kept as ``<math>``). The renditions differ only
in where footnotes go, chosen by *notes*:

``"section"``  notes listed after the text, linked both ways (web page);
``"aside"``    one ``<aside epub:type="footnote">`` per note, after the text (EPUB pop-up notes);
``"inline"``   the note's text at its call, as ``<span class="footnote">`` for
               WeasyPrint's ``float: footnote`` (print).

Everything else — front matter, sections, figures, tables, math, citations
already formatted by the citations stage, references, biographies — is the
same in all three, so they cannot disagree.
"""

from __future__ import annotations

import copy
import re
import unicodedata

from lxml import etree

from .jats import MML, XLINK, XML_NS, append_text, text_of

SAFE_SCHEMES = ("http://", "https://", "mailto:", "doi:", "#")
EPUB_NS = "http://www.idpf.org/2007/ops"
XHTML_NS = "http://www.w3.org/1999/xhtml"

INLINE_MAP = {
    "italic": "em", "bold": "strong", "sup": "sup", "sub": "sub", "monospace": "code",
    "underline": "u", "strike": "s", "sc": ("span", "smallcaps"), "overline": ("span", "overline"),
    "roman": ("span", "roman"), "sans-serif": ("span", "sans"), "named-content": ("span", None),
    "styled-content": ("span", None), "abbrev": "abbr", "inline-supplementary-material": ("span", None),
    "email": None, "uri": None, "ext-link": None, "xref": None, "break": "br",
    "inline-formula": None, "inline-graphic": None, "fn": None, "x": ("span", None),
    "string-name": ("span", None), "collab": ("span", None), "name": ("span", None),
    "surname": ("span", "surname"), "given-names": ("span", "given-names"),
    "source": "cite", "article-title": ("span", "article-title"), "year": ("span", None),
}


def _safe_href(href: str) -> str | None:
    href = (href or "").strip()
    if href.lower().startswith(SAFE_SCHEMES):
        return href
    if re.match(r"^10\.\d{4,9}/", href):
        return f"https://doi.org/{href}"
    return None


def _lang(el: etree._Element) -> str | None:
    return el.get(f"{{{XML_NS}}}lang")


class _Renderer:
    def __init__(self, article: etree._Element, notes: str):
        self.article = article
        self.notes = notes
        self.fns = {fn.get("id"): fn for fn in article.iter("fn") if fn.get("id")}
        self.targets = {el.get("id"): el for el in article.iter() if isinstance(el.tag, str) and el.get("id")}
        self.fn_numbers: dict[str, str] = {}
        for fn in self.fns.values():
            label = fn.find("label")
            self.fn_numbers[fn.get("id")] = text_of(label).strip() if label is not None else ""
        self.used_notes: list[str] = []

    # -- inline content --------------------------------------------------------
    def inline_into(self, parent: etree._Element, jats: etree._Element, skip=("label",)) -> None:
        """Append the HTML rendering of *jats*'s mixed content to *parent*."""
        append_text(parent, jats.text)
        for child in jats:
            if not isinstance(child.tag, str):
                append_text(parent, child.tail)
                continue
            if child.tag in skip:
                append_text(parent, child.tail)
                continue
            self.inline(parent, child)
            append_text(parent, child.tail)

    def inline(self, parent: etree._Element, el: etree._Element) -> None:
        tag = el.tag
        if tag.startswith(f"{{{MML}}}"):
            parent.append(_mathml(el))
            return
        if tag == "xref":
            self.xref(parent, el)
            return
        if tag in ("ext-link", "uri", "self-uri"):
            href = _safe_href(el.get(f"{{{XLINK}}}href") or text_of(el))
            a = etree.SubElement(parent, "a") if href else etree.SubElement(parent, "span")
            if href:
                a.set("href", href)
            self.inline_into(a, el)
            return
        if tag == "email":
            a = etree.SubElement(parent, "a", href=f"mailto:{text_of(el).strip()}")
            a.text = text_of(el)
            return
        if tag == "inline-formula":
            math = el.find(f".//{{{MML}}}math")
            if math is not None:
                parent.append(_mathml(math))
            else:
                span = etree.SubElement(parent, "span", {"class": "tex-math"})
                span.text = text_of(el)
            return
        if tag == "inline-graphic":
            href = el.get(f"{{{XLINK}}}href", "")
            alt = el.find("alt-text")
            etree.SubElement(parent, "img", src=href, alt=text_of(alt) if alt is not None else "")
            return
        if tag == "disp-formula":  # display math inside a paragraph
            parent.append(self.formula(el))
            return
        if tag == "fn":
            return
        mapped = INLINE_MAP.get(tag, ("span", tag))
        if isinstance(mapped, tuple):
            out = etree.SubElement(parent, mapped[0])
            if mapped[1]:
                out.set("class", mapped[1])
        else:
            out = etree.SubElement(parent, mapped or "span")
        if _lang(el):
            out.set("lang", _lang(el))
        if tag == "break":
            return
        self.inline_into(out, el, skip=())

    def xref(self, parent: etree._Element, el: etree._Element) -> None:
        ref_type = el.get("ref-type", "")
        rids = (el.get("rid") or "").split()
        rid = rids[0] if rids else ""
        if ref_type == "fn" and rid in self.fns:
            self.note_call(parent, el, rid)
            return
        a = etree.SubElement(parent, "a", href=f"#{rid}")
        a.set("class", f"xref xref-{ref_type}" if ref_type != "bibr" else "citation")
        if el.get("id"):
            a.set("id", el.get("id"))
        if ref_type == "bibr" and len(rids) > 1:
            a.set("data-refs", " ".join(rids))
        self.inline_into(a, el, skip=())

    def note_call(self, parent: etree._Element, el: etree._Element, rid: str) -> None:
        number = text_of(el).strip() or self.fn_numbers.get(rid, "")
        self.used_notes.append(rid)
        if self.notes == "inline":
            span = etree.SubElement(parent, "span", {"class": "footnote", "id": rid})
            span.set("data-note", number)
            self.note_inline_body(span, self.fns[rid])
            return
        a = etree.SubElement(parent, "a", {"class": "footnote-ref", "href": f"#{rid}", "id": f"{rid}-ref"})
        if self.notes == "aside":
            a.set(f"{{{EPUB_NS}}}type", "noteref")
        a.set("role", "doc-noteref")
        sup = etree.SubElement(a, "sup")
        sup.text = number

    def note_inline_body(self, span: etree._Element, fn: etree._Element) -> None:
        """A note's paragraphs as inline content (WeasyPrint floats the span to the page foot)."""
        paragraphs = [p for p in fn if p.tag != "label"]
        for i, p in enumerate(paragraphs):
            if i:
                etree.SubElement(span, "br", {"class": "note-break"})
            if p.tag == "p":
                self.inline_into(span, p, skip=())
            else:
                self.inline_into(span, p)

    # -- blocks -----------------------------------------------------------------
    def blocks(self, parent: etree._Element, container: etree._Element, depth: int) -> None:
        for child in container:
            if not isinstance(child.tag, str):
                continue
            self.block(parent, child, depth)

    def block(self, parent: etree._Element, el: etree._Element, depth: int) -> None:
        tag = el.tag
        if tag == "p":
            self.paragraph(parent, el)
        elif tag == "sec":
            self.section(parent, el, depth)
        elif tag == "fig":
            parent.append(self.figure(el))
        elif tag == "table-wrap":
            parent.append(self.table(el))
        elif tag == "disp-formula":
            parent.append(self.formula(el))
        elif tag == "list":
            parent.append(self.list(el, depth))
        elif tag == "disp-quote":
            quote = etree.SubElement(parent, "blockquote")
            self.blocks(quote, el, depth)
        elif tag in ("preformat", "code"):
            pre = etree.SubElement(parent, "pre")
            code = etree.SubElement(pre, "code")
            code.text = text_of(el)
        elif tag == "boxed-text":
            box = etree.SubElement(parent, "aside", {"class": "boxed-text"})
            if el.get("id"):
                box.set("id", el.get("id"))
            self.blocks(box, el, depth + 1)
        elif tag == "def-list":
            dl = etree.SubElement(parent, "dl")
            for item in el.iter("def-item"):
                dt = etree.SubElement(dl, "dt")
                term = item.find("term")
                if term is not None:
                    self.inline_into(dt, term)
                for d in item.iter("def"):
                    dd = etree.SubElement(dl, "dd")
                    self.blocks(dd, d, depth)
        elif tag in ("title", "label", "fn-group", "ref-list", "alternatives"):
            return
        elif tag == "hr":
            etree.SubElement(parent, "hr")
        else:
            div = etree.SubElement(parent, "div", {"class": tag})
            if el.get("id"):  # e.g. a table's <fn>: a link target, and the PDF's note check finds it
                div.set("id", el.get("id"))
            self.blocks(div, el, depth)

    def paragraph(self, parent: etree._Element, el: etree._Element) -> None:
        # A JATS <p> may hold display blocks (disp-formula, list); HTML's <p> may not.
        p = etree.SubElement(parent, "p")
        if el.get("id"):
            p.set("id", el.get("id"))
        if _lang(el):
            p.set("lang", _lang(el))
        self.inline_into(p, el, skip=())
        blocks = [c for c in p if c.tag in ("div", "figure", "table", "ol", "ul")]
        if blocks:
            _split_paragraph(p)

    def section(self, parent: etree._Element, el: etree._Element, depth: int) -> None:
        section = etree.SubElement(parent, "section")
        if el.get("id"):
            section.set("id", el.get("id"))
        title = el.find("title")
        if title is not None:
            heading = etree.SubElement(section, f"h{min(depth + 2, 6)}")
            label = el.find("label")
            if label is not None and text_of(label).strip():
                num = etree.SubElement(heading, "span", {"class": "sec-number"})
                num.text = text_of(label).strip()
                num.tail = " "
            self.inline_into(heading, title)
        self.blocks(section, el, depth + 1)

    def caption(self, parent: etree._Element, el: etree._Element) -> None:
        if el.find("label") is None and el.find("caption") is None:
            return  # an unlabelled, uncaptioned table or figure: no empty <figcaption>
        figcaption = etree.SubElement(parent, "figcaption")
        label = el.find("label")
        if label is not None:
            span = etree.SubElement(figcaption, "span", {"class": "label"})
            span.text = text_of(label).strip()
            span.tail = " "
        caption = el.find("caption")
        if caption is not None:
            title = caption.find("title")
            if title is not None:
                strong = etree.SubElement(figcaption, "strong")
                self.inline_into(strong, title)
            for p in caption.findall("p"):
                self.inline_into(figcaption, p)

    def figure(self, el: etree._Element) -> etree._Element:
        figure = etree.Element("figure", {"class": "figure"})
        if el.get("id"):
            figure.set("id", el.get("id"))
        for graphic in el.iter("graphic"):
            alt = graphic.find("alt-text")
            if alt is None:
                alt = el.find("alt-text")
            etree.SubElement(figure, "img", src=graphic.get(f"{{{XLINK}}}href", ""),
                             alt=text_of(alt).strip() if alt is not None else "")
        self.caption(figure, el)
        return figure

    def table(self, el: etree._Element) -> etree._Element:
        figure = etree.Element("figure", {"class": "table"})
        if el.get("id"):
            figure.set("id", el.get("id"))
        self.caption(figure, el)
        for table in el.iter("table"):
            figure.append(self.copy_table(table))
        for foot in el.iter("table-wrap-foot"):
            div = etree.SubElement(figure, "div", {"class": "table-foot"})
            self.blocks(div, foot, 3)
        return figure

    def copy_table(self, table: etree._Element) -> etree._Element:
        out = etree.Element("table")
        for part in table:
            if part.tag in ("thead", "tbody", "tfoot"):
                section = etree.SubElement(out, part.tag)
                rows = part.findall("tr")
            elif part.tag == "tr":
                section, rows = out, [part]
            elif part.tag == "col" or part.tag == "colgroup":
                continue
            else:
                continue
            for tr in rows:
                row = etree.SubElement(section, "tr")
                for cell in tr:
                    if cell.tag not in ("td", "th"):
                        continue
                    c = etree.SubElement(row, cell.tag)
                    for attr in ("colspan", "rowspan", "scope"):
                        if cell.get(attr):
                            c.set(attr, cell.get(attr))
                    if cell.get("align"):
                        c.set("class", f"align-{cell.get('align')}")
                    self.inline_into(c, cell, skip=())
        return out

    def formula(self, el: etree._Element) -> etree._Element:
        div = etree.Element("div", {"class": "equation"})
        if el.get("id"):
            div.set("id", el.get("id"))
        math = el.find(f".//{{{MML}}}math")
        if math is not None:
            m = _mathml(math)
            m.set("display", "block")
            div.append(m)
        else:
            pre = etree.SubElement(div, "pre", {"class": "tex-math"})
            pre.text = text_of(el).strip()
        label = el.find("label")
        if label is not None:
            span = etree.SubElement(div, "span", {"class": "eq-label"})
            span.text = text_of(label).strip()
        return div

    def list(self, el: etree._Element, depth: int) -> etree._Element:
        ordered = el.get("list-type") in ("order", "alpha-lower", "alpha-upper", "roman-lower", "roman-upper")
        out = etree.Element("ol" if ordered else "ul")
        kinds = {"alpha-lower": "a", "alpha-upper": "A", "roman-lower": "i", "roman-upper": "I"}
        if el.get("list-type") in kinds:
            out.set("type", kinds[el.get("list-type")])
        for item in el.findall("list-item"):
            li = etree.SubElement(out, "li")
            self.blocks(li, item, depth)
        return out

    # -- front and back -------------------------------------------------------
    def front(self, header: etree._Element) -> None:
        meta = self.article.find("front/article-meta")
        jmeta = self.article.find("front/journal-meta")
        if meta is None:
            return
        masthead = etree.SubElement(header, "div", {"class": "masthead"})
        journal = jmeta.findtext("journal-title-group/journal-title") if jmeta is not None else None
        if journal:
            span = etree.SubElement(masthead, "span", {"class": "journal-title"})
            span.text = journal
        issue_bits = []
        if meta.findtext("volume"):
            issue_bits.append(f"Vol. {meta.findtext('volume')}")
        if meta.findtext("issue"):
            issue_bits.append(f"No. {meta.findtext('issue')}")
        year = meta.findtext("pub-date/year")
        if year:
            issue_bits.append(year)
        if meta.findtext("fpage"):
            pages = meta.findtext("fpage") + (f"–{meta.findtext('lpage')}" if meta.findtext("lpage") else "")
            issue_bits.append(f"pp. {pages}")
        if issue_bits:
            span = etree.SubElement(masthead, "span", {"class": "issue"})
            span.text = ", ".join(issue_bits)
        doi = meta.findtext("article-id[@pub-id-type='doi']")
        if doi:
            a = etree.SubElement(masthead, "a", {"class": "doi", "href": f"https://doi.org/{doi}"})
            a.text = f"https://doi.org/{doi}"
        license_el = meta.find("permissions/license")
        if license_el is not None:
            span = etree.SubElement(masthead, "span", {"class": "license-badge"})
            link = license_el.find(".//ext-link")
            span.text = text_of(link).strip() if link is not None else text_of(license_el).strip()
        if not len(masthead):
            header.remove(masthead)

        title = meta.find("title-group/article-title")
        h1 = etree.SubElement(header, "h1", {"class": "title"})
        if title is not None:
            self.inline_into(h1, title)
        subtitle = meta.find("title-group/subtitle")
        if subtitle is not None:
            p = etree.SubElement(header, "p", {"class": "subtitle"})
            self.inline_into(p, subtitle)

        contribs = meta.findall("contrib-group/contrib")
        if contribs:
            authors = etree.SubElement(header, "p", {"class": "authors"})
            for i, contrib in enumerate(contribs):
                if i:
                    append_text(authors, ", " if i < len(contribs) - 1 else " and ")
                span = etree.SubElement(authors, "span", {"class": "author"})
                name = etree.SubElement(span, "span", {"class": "name"})
                name.text = contrib_name(contrib)
                marks = [x.text for x in contrib.findall("xref[@ref-type='aff']") if x.text]
                if contrib.get("corresp") == "yes":
                    marks.append("*")
                if marks:
                    sup = etree.SubElement(span, "sup", {"class": "aff-marks"})
                    sup.text = ",".join(marks)
                orcid = contrib.findtext("contrib-id[@contrib-id-type='orcid']")
                if orcid:
                    a = etree.SubElement(span, "a", {"class": "orcid", "href": orcid.strip(),
                                                      "title": f"ORCID {orcid.strip()}"})
                    a.text = "ORCID"
                    a.set("aria-label", f"ORCID iD of {name.text}")
        affs = meta.findall("contrib-group/aff") + meta.findall("aff")
        if affs:
            ol = etree.SubElement(header, "ol", {"class": "affiliations"})
            for aff in affs:
                li = etree.SubElement(ol, "li", id=aff.get("id", ""))
                label = aff.findtext("label")
                if label:
                    li.set("value", label)
                li.text = _aff_text(aff)
        corresp = meta.find("author-notes/corresp")
        if corresp is not None:
            p = etree.SubElement(header, "p", {"class": "corresp"})
            append_text(p, "* ")
            self.inline_into(p, corresp)
        dates = []
        for date in meta.findall("history/date"):
            dates.append((date.get("date-type", "").capitalize(), date.get("iso-8601-date", "")))
        pub = meta.find("pub-date")
        if pub is not None and pub.get("iso-8601-date"):
            dates.append(("Published", pub.get("iso-8601-date")))
        if dates:
            p = etree.SubElement(header, "p", {"class": "dates"})
            for i, (kind, iso) in enumerate(dates):
                span = etree.SubElement(p, "span", {"class": "date"})
                span.text = f"{kind}: "
                t = etree.SubElement(span, "time", datetime=iso)
                t.text = human_date(iso)
                if i < len(dates) - 1:
                    span.tail = " · "
        abstract = meta.find("abstract")
        if abstract is not None:
            section = etree.SubElement(header, "section", {"class": "abstract", "id": "abstract"})
            h = etree.SubElement(section, "h2")
            h.text = text_of(abstract.find("title")) if abstract.find("title") is not None else "Abstract"
            self.blocks(section, abstract, 1)
        kwd_group = meta.find("kwd-group")
        if kwd_group is not None:
            p = etree.SubElement(header, "p", {"class": "keywords"})
            strong = etree.SubElement(p, "strong")
            strong.text = (kwd_group.findtext("title") or "Keywords") + ": "
            kwds = kwd_group.findall("kwd")
            for i, kwd in enumerate(kwds):
                span = etree.SubElement(p, "span", {"class": "kwd"})
                self.inline_into(span, kwd)
                if i < len(kwds) - 1:
                    span.tail = "; "

    def back(self, out: etree._Element) -> None:
        back = self.article.find("back")
        if back is not None:
            for sec in back.findall("sec") + back.findall("ack") + back.findall("app-group/app"):
                self.section(out, sec, 0)
        if self.notes != "inline":
            self.note_list(out)
        else:
            self.uncalled_notes(out)
        if back is not None:
            for ref_list in back.findall("ref-list"):
                self.references(out, ref_list)
        bios = [c for c in self.article.findall("front/article-meta/contrib-group/contrib") if c.find("bio") is not None]
        if bios:
            section = etree.SubElement(out, "section", {"class": "biographies", "id": "biographies"})
            h = etree.SubElement(section, "h2")
            h.text = "About the author" if len(bios) == 1 else "About the authors"
            for contrib in bios:
                self.blocks(section, contrib.find("bio"), 1)

    def note_list(self, out: etree._Element) -> None:
        order = list(dict.fromkeys(self.used_notes)) + [i for i in self.fns if i not in self.used_notes
                                                          and not _in_table_foot(self.fns[i])]
        if not order:
            return
        if self.notes == "aside":
            section = etree.SubElement(out, "section", {"class": "footnotes", "role": "doc-endnotes"})
            section.set(f"{{{EPUB_NS}}}type", "footnotes")
            h = etree.SubElement(section, "h2")
            h.text = "Notes"
            for rid in order:
                aside = etree.SubElement(section, "aside", {"id": rid, "class": "footnote", "role": "doc-footnote"})
                aside.set(f"{{{EPUB_NS}}}type", "footnote")
                self.note_body(aside, rid)
            return
        section = etree.SubElement(out, "section", {"class": "footnotes", "role": "doc-endnotes", "id": "notes"})
        h = etree.SubElement(section, "h2")
        h.text = "Notes"
        ol = etree.SubElement(section, "ol")
        for rid in order:
            li = etree.SubElement(ol, "li", id=rid)
            number = self.fn_numbers.get(rid)
            if number and number.isdigit():
                li.set("value", number)
            self.note_body(li, rid)

    def uncalled_notes(self, out: etree._Element) -> None:
        """Print ("inline") mode: notes no ``<xref>`` calls (author notes, table notes) as a list,
        so every ``<fn>`` of the JATS reaches the page."""
        rest = [rid for rid in self.fns if rid not in self.used_notes
                and self.fns[rid].getparent().tag != "table-wrap-foot"]  # those print under their table
        if not rest:
            return
        section = etree.SubElement(out, "section", {"class": "notes uncalled-notes", "id": "notes"})
        h = etree.SubElement(section, "h2")
        h.text = "Notes"
        for rid in rest:
            div = etree.SubElement(section, "div", {"class": "note", "id": rid})
            self.note_body(div, rid)

    def note_body(self, container: etree._Element, rid: str) -> None:
        fn = self.fns[rid]
        paragraphs = [p for p in fn if isinstance(p.tag, str) and p.tag != "label"]
        for i, p in enumerate(paragraphs):
            out = etree.SubElement(container, "p")
            if i == 0:
                num = etree.SubElement(out, "span", {"class": "note-number"})
                num.text = self.fn_numbers.get(rid, "") + "."
                num.tail = " "
            self.inline_into(out, p, skip=())
            if i == len(paragraphs) - 1 and rid in self.used_notes:
                append_text(out, " ")
                back = etree.SubElement(out, "a", {"href": f"#{rid}-ref", "class": "footnote-back",
                                                   "role": "doc-backlink"})
                back.set("aria-label", f"Back to note {self.fn_numbers.get(rid, '')} call")
                back.text = "↩"

    def references(self, out: etree._Element, ref_list: etree._Element) -> None:
        section = etree.SubElement(out, "section", {"class": "references", "id": "references",
                                                    "role": "doc-bibliography"})
        h = etree.SubElement(section, "h2")
        h.text = ref_list.findtext("title") or "References"
        labelled = any(ref.findtext("label") for ref in ref_list.findall("ref"))
        container = etree.SubElement(section, "ul", {"class": "ref-list labelled" if labelled else "ref-list"})
        for ref in ref_list.findall("ref"):
            # No role="doc-biblioentry": deprecated in DPUB-ARIA 1.1 (EPUBCheck warns RSC-017).
            li = etree.SubElement(container, "li", {"id": ref.get("id", ""), "class": "ref"})
            label = (ref.findtext("label") or "").strip()
            if label:  # numeric styles: "[1]", as the style writes it
                span = etree.SubElement(li, "span", {"class": "ref-label"})
                span.text = label
                span.tail = " "
            mixed = ref.find(".//mixed-citation")
            if mixed is not None:
                if _lang(mixed):
                    li.set("lang", _lang(mixed))
                self.inline_into(li, mixed, skip=())
            else:
                element = ref.find(".//element-citation")
                if element is not None and _lang(element):
                    li.set("lang", _lang(element))
                li.text = element_citation_text(element) if element is not None else ""


def contrib_name(contrib: etree._Element) -> str:
    name = contrib.find("name")
    if name is None:
        collab = contrib.find("collab")
        return text_of(collab).strip() if collab is not None else text_of(contrib.find("string-name") if contrib.find("string-name") is not None else contrib).strip()
    surname = (name.findtext("surname") or "").strip()
    given = (name.findtext("given-names") or "").strip()
    if name.get("name-style") == "eastern":
        return f"{surname}{given}" if _is_cjk(surname + given) else f"{surname} {given}".strip()
    return f"{given} {surname}".strip()


def _aff_text(aff: etree._Element) -> str:
    parts = []
    for child in aff:
        if child.tag == "label":
            continue
        if child.tag == "institution-wrap":
            parts.extend(text_of(i).strip() for i in child.findall("institution"))
        elif child.tag in ("institution", "city", "country", "addr-line", "state"):
            parts.append(text_of(child).strip())
    if not parts:
        parts = [text_of(aff).strip()]
    return ", ".join(p for p in parts if p)


def element_citation_text(ec: etree._Element) -> str:
    """A plain rendering of a structured reference, for refs with no formatted text."""
    names = []
    for n in ec.iter("name", "collab"):
        if n.tag == "collab":
            names.append(text_of(n).strip())
        elif n.get("name-style") == "eastern" and _is_cjk(text_of(n)):  # 沈志华, not "沈, 志华"
            names.append((n.findtext("surname") or "").strip() + (n.findtext("given-names") or "").strip())
        else:
            names.append(", ".join(x for x in ((n.findtext("surname") or "").strip(),
                                               (n.findtext("given-names") or "").strip()) if x))
    bits = ["; ".join(names)] if names else []
    if ec.findtext("year"):
        bits.append(f"({ec.findtext('year')})")
    for tag in ("article-title", "chapter-title"):
        if ec.findtext(tag):
            bits.append(f"“{ec.findtext(tag).strip()}”")
    if ec.findtext("source"):
        bits.append(ec.findtext("source").strip())
    vol = ec.findtext("volume")
    if vol:
        bits.append(vol + (f"({ec.findtext('issue')})" if ec.findtext("issue") else ""))
    if ec.findtext("publisher-name"):
        loc = ec.findtext("publisher-loc")
        bits.append(f"{loc + ': ' if loc else ''}{ec.findtext('publisher-name')}")
    if ec.findtext("fpage"):
        bits.append(ec.findtext("fpage") + (f"–{ec.findtext('lpage')}" if ec.findtext("lpage") else ""))
    for link in ec.iter("ext-link"):
        bits.append(link.get(f"{{{XLINK}}}href") or text_of(link))
    return ". ".join(b for b in bits if b) + "."


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]


def human_date(iso: str) -> str:
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTH_NAMES[int(parts[1]) - 1]} {parts[0]}"
    return iso


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA"))
               for ch in text)


def _in_table_foot(fn: etree._Element) -> bool:
    """A table's own note is shown under its table; every other uncalled note (fn-group,
    author-notes) goes to the notes list, so no ``<fn>`` of the JATS is lost."""
    return any(a.tag == "table-wrap-foot" for a in fn.iterancestors())


def _split_paragraph(p: etree._Element) -> None:
    """Lift display blocks out of an HTML paragraph, splitting it around them."""
    parent = p.getparent()
    index = parent.index(p)
    pieces: list[etree._Element] = []
    current = etree.Element("p")
    current.text = p.text
    for child in list(p):
        if child.tag in ("div", "figure", "table", "ol", "ul"):
            tail = child.tail
            child.tail = None
            if (current.text or "").strip() or len(current):
                pieces.append(current)
            pieces.append(child)
            current = etree.Element("p")
            current.text = tail
        else:
            current.append(child)
    if (current.text or "").strip() or len(current):
        pieces.append(current)
    if p.get("id") and pieces:
        pieces[0].set("id", p.get("id"))
    parent.remove(p)
    for offset, piece in enumerate(pieces):
        parent.insert(index + offset, piece)


def _mathml(math: etree._Element) -> etree._Element:
    """A copy of a MathML element with plain tag names (HTML's parser puts them in the MathML namespace)."""
    out = copy.deepcopy(math)
    for el in out.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{MML}}}"):
            el.tag = el.tag.split("}", 1)[1]
    etree.cleanup_namespaces(out)
    if out.get("alttext") is None:
        out.set("alttext", " ".join(text_of(math).split()))
    return out


CJK_RUN = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"  # with kana
                     r"(?:[\s\u3000-\u303f\uff00-\uffef]*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)*")
HANGUL_RUN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+(?:\s+[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+)*")
KANA = re.compile(r"[\u3040-\u30ff]")


def mark_foreign_scripts(root: etree._Element, base_lang: str) -> None:
    """Wrap runs of Han and Hangul text in ``<span lang>`` so fonts and readers pick the right script."""
    if base_lang.split("-")[0] in ("zh", "ja", "ko"):
        return

    def lang_for(run: str) -> str:
        if HANGUL_RUN.fullmatch(run):
            return "ko"
        return "ja" if KANA.search(run) else "zh"

    def split(text: str) -> list[tuple[str, str | None]]:
        out, pos = [], 0
        for m in re.finditer(f"{CJK_RUN.pattern}|{HANGUL_RUN.pattern}", text):
            if m.start() > pos:
                out.append((text[pos:m.start()], None))
            out.append((m.group(), lang_for(m.group())))
            pos = m.end()
        if pos < len(text):
            out.append((text[pos:], None))
        return out

    def has_lang_ancestor(el) -> bool:
        while el is not None:
            lang = el.get("lang")
            if lang and lang.split("-")[0] in ("zh", "ja", "ko"):
                return True
            el = el.getparent()
        return False

    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("math", "script", "style", "code", "pre"):
            continue
        if has_lang_ancestor(el):
            continue
        for attr in ("text", "tail"):
            text = getattr(el, attr)
            if not text or not (CJK_RUN.search(text) or HANGUL_RUN.search(text)):
                continue
            if attr == "tail" and el.getparent() is not None and has_lang_ancestor(el.getparent()):
                continue
            pieces = split(text)
            setattr(el, attr, None)
            spans = []
            lead = ""
            for chunk, lang in pieces:
                if lang is None:
                    if spans:
                        spans[-1].tail = (spans[-1].tail or "") + chunk
                    else:
                        lead += chunk
                else:
                    span = etree.Element("span", lang=lang)
                    span.text = chunk
                    spans.append(span)
            if attr == "text":
                el.text = lead or None
                for offset, span in enumerate(spans):
                    el.insert(offset, span)
            else:
                parent = el.getparent()
                el.tail = lead or None
                index = parent.index(el)
                for offset, span in enumerate(spans, start=1):
                    parent.insert(index + offset, span)


def render_article(tree: etree._ElementTree | etree._Element, notes: str = "section") -> etree._Element:
    """The HTML ``<article>`` for a finished JATS document (see module docstring for *notes*)."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    renderer = _Renderer(root, notes)
    article = etree.Element("article", {"class": "jats-article"})
    lang = root.get(f"{{{XML_NS}}}lang")
    if lang:
        article.set("lang", lang)
    header = etree.SubElement(article, "header", {"class": "front"})
    renderer.front(header)
    main = etree.SubElement(article, "div", {"class": "body", "id": "article-body"})
    body = root.find("body")
    if body is not None:
        renderer.blocks(main, body, 0)
    back = etree.SubElement(article, "div", {"class": "back"})
    renderer.back(back)
    if not len(back):
        article.remove(back)
    mark_foreign_scripts(article, lang or "en")
    return article


def to_xhtml(el: etree._Element) -> etree._Element:
    """Put a plain-HTML tree into the XHTML namespace (MathML subtrees into MathML's), for EPUB."""
    out = copy.deepcopy(el)
    in_math: set = set()
    for node in out.iter():
        if not isinstance(node.tag, str) or node.tag.startswith("{"):
            continue
        parent = node.getparent()
        if node.tag == "math" or (parent is not None and parent in in_math):
            in_math.add(node)
            node.tag = f"{{{MML}}}{node.tag}"
        else:
            node.tag = f"{{{XHTML_NS}}}{node.tag}"
    return out
