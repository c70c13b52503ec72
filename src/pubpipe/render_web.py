"""The finished JATS as the article's web page: one standalone, responsive, accessible HTML file.

The body is :func:`pubpipe.jats_to_html.render_article` with notes after the
text (``notes="section"``), linked both ways; this module adds what a landing
page needs around it:

* a banner with links to the sibling renditions (``<slug>.pdf``,
  ``<slug>.epub``, ``<slug>.xml``), a skip link, ``main`` and ``contentinfo``
  landmarks, a table of contents, and back-links from every reference to the
  places that cite it;
* for indexers, Highwire Press ``citation_*`` meta tags as Google Scholar
  reads them (title, authors with institutions, publication date, journal,
  volume, issue, pages, DOI, pdf_url, keywords, one ``citation_reference``
  per reference) and schema.org ``ScholarlyArticle`` JSON-LD;
* the stylesheet ``assets/web.css``, inlined so the page stands alone.

Figures are copied next to the page (``figures/…``). The page carries no
build time, so it is byte-identical across builds.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

from lxml import etree

from . import __version__, atomic
from .article_info import ArticleInfo, Figure, article_info, describe_math, collect_figures, read_article
from .errors import warn
from .jats import XLINK, text_of
from .jats_to_html import render_article

SIBLINGS = (("pdf", "PDF", "application/pdf", "Print PDF"),
            ("epub", "EPUB", "application/epub+zip", "EPUB e-book"),
            ("xml", "JATS XML", "application/xml", "JATS XML (the source of record)"))


def make_html(jats_xml: Path, out_html: Path, manuscript_folder: Path, **options) -> Path:
    """Finished JATS → web page at *out_html*, figures copied beside it (all written atomically).

    Options: ``base_url`` (the folder URL the files are published at, for
    absolute ``citation_pdf_url`` and canonical links; default: the article's
    own URL from the front matter when it ends in ``<slug>.html``). Unknown
    options (``paper``, ...) are ignored.
    """
    jats_xml, out_html = Path(jats_xml), Path(out_html)
    tree = read_article(jats_xml)
    describe_math(tree)
    slug = jats_xml.stem
    info = article_info(tree, slug)
    figures = collect_figures(tree, Path(manuscript_folder), jats_xml)
    page = build_page(tree, info, figures, out_html.stem, base_url=options.get("base_url"))
    for fig in figures:
        target = out_html.parent / fig.target
        data = fig.source.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            atomic.write_bytes(target, data)
    atomic.write_bytes(out_html, page)
    return out_html


# ---------------------------------------------------------------------------
# Addresses


def _urls(info: ArticleInfo, name: str, base_url: str | None) -> tuple[str | None, dict[str, str]]:
    """(canonical page URL or None, {ext: href of the sibling rendition})."""
    base = None
    if base_url:
        base = base_url.rstrip("/") + "/"
    elif info.url and info.url.endswith(f"/{name}.html"):
        base = info.url[: -len(f"{name}.html")]
    links = {ext: f"{base or ''}{name}.{ext}" for ext, *_ in SIBLINGS}
    canonical = f"{base}{name}.html" if base else (info.url or None)
    return canonical, links


# ---------------------------------------------------------------------------
# Highwire Press tags (Google Scholar) and JSON-LD


def _scholar_date(iso: str) -> str:
    return iso.replace("-", "/")


def highwire_tags(info: ArticleInfo, tree: etree._ElementTree, pdf_url: str,
                  html_url: str | None) -> list[tuple[str, str]]:
    tags: list[tuple[str, str]] = [("citation_title", info.full_title)]
    for person in info.authors:
        tags.append(("citation_author", person.inverted))
        for aff in person.affiliations:
            tags.append(("citation_author_institution", aff))
        if person.orcid:
            tags.append(("citation_author_orcid", person.orcid))
        if person.email:
            tags.append(("citation_author_email", person.email))
    if info.pub_date:
        tags.append(("citation_publication_date", _scholar_date(info.pub_date)))
        tags.append(("citation_online_date", _scholar_date(info.pub_date)))
    if info.journal:
        tags.append(("citation_journal_title", info.journal))
    if info.journal_abbrev:
        tags.append(("citation_journal_abbrev", info.journal_abbrev))
    if info.publisher:
        tags.append(("citation_publisher", info.publisher))
    for _kind, issn in info.issns:
        tags.append(("citation_issn", issn))
    for key, value in (("citation_volume", info.volume), ("citation_issue", info.issue),
                       ("citation_firstpage", info.fpage or info.elocation), ("citation_lastpage", info.lpage),
                       ("citation_doi", info.doi)):
        if value:
            tags.append((key, value))
    tags.append(("citation_language", info.lang))
    for kw in info.keywords:
        tags.append(("citation_keywords", kw))
    if html_url:
        tags.append(("citation_fulltext_html_url", html_url))
        tags.append(("citation_abstract_html_url", html_url))
    tags.append(("citation_pdf_url", pdf_url))
    root = tree.getroot()
    for ref in root.iterfind("back/ref-list/ref"):
        tags.append(("citation_reference", highwire_reference(ref)))
    return tags


def _clean(value: str) -> str:
    # ';' separates the fields of a citation_reference: keep it out of the values.
    return " ".join(value.replace(";", ",").split())


def highwire_reference(ref: etree._Element) -> str:
    """One ``citation_reference`` value: ``citation_author=…; citation_title=…; …``."""
    ec = ref.find(".//element-citation")
    if ec is None:
        mixed = ref.find(".//mixed-citation")
        return f"citation_title={_clean(text_of(mixed) if mixed is not None else text_of(ref))}"
    fields: list[tuple[str, str]] = []
    for group in ec.findall("person-group") or [ec]:
        role = group.get("person-group-type", "author") if group.tag == "person-group" else "author"
        key = {"author": "citation_author", "editor": "citation_editor"}.get(role)
        if key is None:  # translators, compilers...: not in Highwire's vocabulary
            continue
        for n in group.iterchildren("name", "collab", "string-name"):
            if n.tag == "name":
                surname = (n.findtext("surname") or "").strip()
                given = (n.findtext("given-names") or "").strip()
                fields.append((key, f"{surname}, {given}" if given else surname))
            else:
                fields.append((key, text_of(n)))
    kind = ec.get("publication-type", "")
    part = ec.findtext("article-title") or ec.findtext("chapter-title") or ec.findtext("part-title")
    source = ec.findtext("source") or ""
    if part:
        fields.append(("citation_title", part))
        if kind in ("journal", "magazine", "newspaper", "preprint"):
            fields.append(("citation_journal_title", source))
        elif kind == "confproc":
            fields.append(("citation_conference_title", source))
        elif source:
            fields.append(("citation_inbook_title", source))
    elif source:
        fields.append(("citation_title", source))
    year = ec.find("year")
    if year is not None:
        fields.append(("citation_publication_date", (year.get("iso-8601-date") or text_of(year)).replace("-", "/")))
    for key, tag in (("citation_volume", "volume"), ("citation_issue", "issue"), ("citation_firstpage", "fpage"),
                     ("citation_lastpage", "lpage"), ("citation_publisher", "publisher-name"),
                     ("citation_isbn", "isbn"), ("citation_issn", "issn")):
        if ec.findtext(tag):
            fields.append((key, ec.findtext(tag)))
    doi = ec.findtext("pub-id[@pub-id-type='doi']")
    if doi:
        fields.append(("citation_doi", doi))
    link = ec.find("ext-link")
    if link is not None and not doi:
        fields.append(("citation_public_url", link.get(f"{{{XLINK}}}href") or text_of(link)))
    return "; ".join(f"{k}={_clean(v)}" for k, v in fields if _clean(v))


def json_ld(info: ArticleInfo, tree: etree._ElementTree, links: dict[str, str], canonical: str | None,
            figures: list[Figure]) -> dict:
    data: dict = {"@context": "https://schema.org", "@type": "ScholarlyArticle",
                  "headline": info.title, "name": info.full_title}
    if info.subtitle:
        data["alternativeHeadline"] = info.subtitle
    authors = []
    for person in info.authors:
        a: dict = {"@type": "Person", "name": person.name}
        if person.given:
            a["givenName"] = person.given
        if person.surname:
            a["familyName"] = person.surname
        if person.orcid:
            a["@id"] = person.orcid
            a["identifier"] = {"@type": "PropertyValue", "propertyID": "ORCID", "value": person.orcid}
        if person.email:
            a["email"] = person.email
        affs = []
        for name, ror in zip(person.affiliations, person.affiliation_ids):
            org: dict = {"@type": "Organization", "name": name}
            if ror:
                org["@id"] = ror
            affs.append(org)
        if affs:
            a["affiliation"] = affs
        authors.append(a)
    if authors:
        data["author"] = authors
    if info.pub_date:
        data["datePublished"] = info.pub_date
    if info.received:
        data["dateCreated"] = info.received
    data["inLanguage"] = info.lang
    if info.keywords:
        data["keywords"] = info.keywords
    if info.abstract:
        data["abstract"] = info.abstract
    if info.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": info.doi,
                              "url": f"https://doi.org/{info.doi}"}
        data["sameAs"] = f"https://doi.org/{info.doi}"
    if canonical:
        data["url"] = canonical
    if info.license_url:
        data["license"] = info.license_url
    if info.copyright_holder:
        data["copyrightHolder"] = {"@type": "Organization", "name": info.copyright_holder}
    if info.copyright_year:
        data["copyrightYear"] = info.copyright_year
    if info.journal:
        periodical: dict = {"@type": "Periodical", "name": info.journal}
        issns = [issn for _k, issn in info.issns]
        if issns:
            periodical["issn"] = issns if len(issns) > 1 else issns[0]
        if info.publisher:
            periodical["publisher"] = {"@type": "Organization", "name": info.publisher}
        part: dict = periodical
        if info.volume:
            part = {"@type": "PublicationVolume", "volumeNumber": info.volume, "isPartOf": part}
        if info.issue:
            part = {"@type": "PublicationIssue", "issueNumber": info.issue, "isPartOf": part}
        data["isPartOf"] = part
    if info.publisher:
        data["publisher"] = {"@type": "Organization", "name": info.publisher}
    if info.fpage:
        data["pageStart"] = info.fpage
    if info.lpage:
        data["pageEnd"] = info.lpage
    encodings = [{"@type": "MediaObject", "encodingFormat": mime, "contentUrl": links[ext], "name": label}
                 for ext, _short, mime, label in SIBLINGS]
    data["encoding"] = encodings
    if figures:
        base = links["pdf"][: -len(links["pdf"].rsplit("/", 1)[-1])]  # the folder the page is published in
        data["image"] = [base + f.target for f in figures]
    citations = []
    for ref in tree.getroot().iterfind("back/ref-list/ref"):
        mixed = ref.find(".//mixed-citation")
        ec = ref.find(".//element-citation")
        work: dict = {"@type": "CreativeWork"}
        title = ec is not None and (ec.findtext("article-title") or ec.findtext("chapter-title") or ec.findtext("source"))
        work["name"] = " ".join((title or text_of(mixed if mixed is not None else ref)).split())
        if mixed is not None:
            work["description"] = " ".join(text_of(mixed).split())
        doi = ec.findtext("pub-id[@pub-id-type='doi']") if ec is not None else None
        if doi:
            work["sameAs"] = f"https://doi.org/{doi}"
        citations.append(work)
    if citations:
        data["citation"] = citations
    return data


# ---------------------------------------------------------------------------
# The page


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items() if v is not None})
    if text:
        el.text = text
    return el


def _note_of(el: etree._Element) -> etree._Element | None:
    """The note (``section.footnotes > ol > li``) that holds *el*, if any."""
    while el is not None:
        parent = el.getparent()
        if (el.tag == "li" and parent is not None and parent.getparent() is not None
                and "footnotes" in parent.getparent().get("class", "").split()):
            return el
        el = parent
    return None


def _location(a: etree._Element) -> str:
    """Where a citation stands, as a short label: ``n. 3`` in a note, ``§2.1`` in a numbered section."""
    note = _note_of(a)
    if note is not None:
        return f"n.\u00a0{note.get('value') or note.get('id')}"
    el = a.getparent()
    while el is not None:
        if el.tag == "section":
            number = el.find("./*/span[@class='sec-number']")
            if number is not None and (number.text or "").strip():
                return f"§{number.text.strip()}"
        el = el.getparent()
    return "text"


def _reference_backlinks(article: etree._Element, lang: str) -> None:
    """After each reference, links back to every citation of it (the citations link forward)."""
    refs = {li.get("id"): li for li in article.iter("li") if "ref" in li.get("class", "").split() and li.get("id")}
    cited: dict[str, list[tuple[str, str]]] = {}
    for a in article.iter("a"):
        if a.get("class") != "citation" or not a.get("id"):
            continue
        where = _location(a)
        for rid in (a.get("data-refs") or a.get("href", "").lstrip("#")).split():
            cited.setdefault(rid, []).append((a.get("id"), where))
    for rid, li in refs.items():
        places = cited.get(rid)
        if not places:
            continue
        counts: dict[str, int] = {}
        for _cid, where in places:
            counts[where] = counts.get(where, 0) + 1
        seen: dict[str, int] = {}
        if len(li):
            li[-1].tail = (li[-1].tail or "") + " "
        else:
            li.text = (li.text or "") + " "
        span = _el(li, "span", "Cited in ", **{"class": "ref-backlinks"})
        if li.get("lang") and li.get("lang") != lang:
            span.set("lang", lang)  # the page's language, not the reference's
        for i, (cid, where) in enumerate(places):
            label = where
            if counts[where] > 1:  # the same place twice: §1a, §1b
                seen[where] = seen.get(where, 0) + 1
                label = f"{where}{chr(ord('a') + min(seen[where], 26) - 1)}"
            a = _el(span, "a", label, href=f"#{cid}", **{"class": "ref-backlink"})
            spoken = where.replace("n.\u00a0", "note ").replace("§", "section ").replace("text", "the text")
            a.set("aria-label", f"Back to citation {i + 1} of this work, in {spoken}")
            a.tail = ", " if i < len(places) - 1 else "."


def _toc(article: etree._Element) -> etree._Element | None:
    body = article.find("div[@id='article-body']")
    entries = []
    counter = [0]

    def walk(container, depth):
        items = []
        for section in container.findall("section"):
            heading = next((c for c in section if c.tag in ("h2", "h3", "h4")), None)
            if heading is None:
                continue
            if not section.get("id"):
                counter[0] += 1
                section.set("id", f"section-{counter[0]}")
            items.append((section.get("id"), " ".join(text_of(heading).split()),
                          walk(section, depth + 1) if depth < 2 else []))
        return items

    if body is not None:
        entries += walk(body, 1)
    back = article.find("div[@class='back']")
    if back is not None:
        entries += walk(back, 1)
    if len(entries) < 2:
        return None
    nav = etree.Element("nav", {"class": "toc", "aria-labelledby": "toc-heading"})
    _el(nav, "h2", "Contents", id="toc-heading")

    def fill(ol, items):
        for sid, text, children in items:
            li = _el(ol, "li")
            _el(li, "a", text, href=f"#{sid}")
            if children:
                fill(_el(li, "ol"), children)

    fill(_el(nav, "ol"), entries)
    return nav


def _scrollable_tables(article: etree._Element) -> None:
    """Wide tables scroll inside a focusable region instead of widening the page."""
    for table in list(article.iter("table")):
        parent = table.getparent()
        if parent is None or "table-scroll" in parent.get("class", ""):
            continue
        figure = parent if parent.tag == "figure" else None
        label = figure.findtext("figcaption/span[@class='label']") if figure is not None else None
        wrap = etree.Element("div", {"class": "table-scroll", "tabindex": "0", "role": "region",
                                     "aria-label": label or "Table"})
        table.addprevious(wrap)
        wrap.append(table)


def build_page(tree: etree._ElementTree, info: ArticleInfo, figures: list[Figure], name: str,
               base_url: str | None = None) -> bytes:
    canonical, links = _urls(info, name, base_url)
    article = render_article(tree, notes="section")
    targets = {f.href: f.target for f in figures}
    for img in article.iter("img"):
        if img.get("src") in targets:
            img.set("src", targets[img.get("src")])
        img.set("loading", "lazy")
        if not (img.get("alt") or "").strip():
            warn(f"the image '{img.get('src')}' has no alt text; the web page uses its caption instead.")
            figure = img.getparent()
            caption = figure.find("figcaption") if figure is not None else None
            img.set("alt", " ".join(text_of(caption).split()) if caption is not None else "Image")
    for section in article.iter("section"):
        if "abstract" in section.get("class", "").split():
            section.set("role", "doc-abstract")
    _reference_backlinks(article, info.lang)
    _scrollable_tables(article)
    toc = _toc(article)
    front = article.find("header")
    if toc is not None and front is not None:
        front.addnext(toc)

    html = etree.Element("html", lang=info.lang)
    head = _el(html, "head")
    _el(head, "meta", charset="utf-8")
    _el(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    title = info.full_title + (f" | {info.journal}" if info.journal else "")
    _el(head, "title", title)
    if info.abstract:
        _el(head, "meta", name="description", content=_shorten(info.abstract, 300))
    _el(head, "meta", name="generator", content=f"pubpipe {__version__}")
    _el(head, "meta", name="color-scheme", content="light dark")
    if canonical:
        _el(head, "link", rel="canonical", href=canonical)
    for ext, short, mime, label in SIBLINGS:
        _el(head, "link", rel="alternate", type=mime, href=links[ext], title=label)
    for key, value in highwire_tags(info, tree, links["pdf"], canonical):
        _el(head, "meta", name=key, content=value)
    _el(head, "meta", property="og:type", content="article")
    _el(head, "meta", property="og:title", content=info.full_title)
    if info.abstract:
        _el(head, "meta", property="og:description", content=_shorten(info.abstract, 300))
    if canonical:
        _el(head, "meta", property="og:url", content=canonical)
    style = _el(head, "style")
    style.text = "\n" + resources.files("pubpipe").joinpath("assets/web.css").read_text(encoding="utf-8")
    script = _el(head, "script", type="application/ld+json")
    script.text = "\n" + _json_script(json_ld(info, tree, links, canonical, figures)) + "\n"

    body = _el(html, "body")
    _el(body, "a", "Skip to the article", href="#main", **{"class": "skip-link"})
    banner = _el(body, "header", **{"class": "site-header"})
    inner = _el(banner, "div", **{"class": "site-header-inner"})
    brand = _el(inner, "p", **{"class": "site-name"})
    brand.text = info.journal or "pubpipe"
    if info.volume or info.issue:
        _el(brand, "span", ", ".join(x for x in (f"Vol. {info.volume}" if info.volume else "",
                                                 f"No. {info.issue}" if info.issue else "") if x),
            **{"class": "site-issue"})
    nav = _el(inner, "nav", **{"class": "downloads", "aria-label": "Download this article"})
    ul = _el(nav, "ul")
    for ext, short, mime, label in SIBLINGS:
        li = _el(ul, "li")
        a = _el(li, "a", short, href=links[ext], type=mime, **{"class": f"download download-{ext}"})
        a.set("aria-label", f"Download as {label}")
    main = _el(body, "main", id="main")
    main.append(article)
    footer = _el(body, "footer", **{"class": "site-footer"})
    fin = _el(footer, "div", **{"class": "site-footer-inner"})
    if info.rights:
        statement = info.copyright_statement
        if statement and not statement.endswith("."):
            statement += "."
        p = _el(fin, "p", **{"class": "rights"})
        p.text = f"{statement} " if statement else ""
        if info.license_url:
            p.text += "Licensed under "
            a = _el(p, "a", info.license_name or info.license_url, href=info.license_url, rel="license")
            a.tail = "."
        elif info.license_text:
            p.text += info.license_text
    if info.doi:
        p = _el(fin, "p", "DOI: ", **{"class": "doi"})
        _el(p, "a", f"https://doi.org/{info.doi}", href=f"https://doi.org/{info.doi}")
    p = _el(fin, "p", "Also available as ", **{"class": "formats"})
    for i, (ext, short, mime, label) in enumerate(SIBLINGS):
        a = _el(p, "a", label, href=links[ext], type=mime)
        a.tail = ", " if i < len(SIBLINGS) - 2 else (" and " if i == len(SIBLINGS) - 2 else ".")
    _el(fin, "p", f"Made with pubpipe {__version__} from the article's JATS XML.", **{"class": "generator"})
    out = etree.tostring(html, method="html", encoding="unicode", doctype="<!DOCTYPE html>")
    return (out + "\n").encode("utf-8")


def _json_script(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    # Inside <script>, "</" would end the element; JSON allows "\/".
    return re.sub(r"</", r"<\\/", text).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"
