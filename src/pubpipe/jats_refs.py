"""CSL-JSON items as JATS ``<element-citation>``: the structured reference.

Every cited work becomes a ``<ref>`` whose element-citation carries the
item's metadata in JATS terms (person-group, article-title/chapter-title,
source, year, volume, issue, fpage/lpage, publisher-name/loc, uri, pub-id,
date-in-citation for access dates), so a journal's system can link and
deposit it. The formatted text in a CSL style is added beside it by the
citations stage.
"""

from __future__ import annotations

import re

from lxml import etree

from .jats import sub, xml_lang
from .metadata import LANG_RE

PUBLICATION_TYPES = {
    "article-journal": "journal", "article-magazine": "magazine", "article-newspaper": "newspaper",
    "article": "preprint", "review": "journal", "review-book": "journal",
    "book": "book", "chapter": "book", "entry-encyclopedia": "book", "entry-dictionary": "book",
    "classic": "book", "collection": "book", "pamphlet": "book",
    "paper-conference": "confproc", "report": "report", "thesis": "thesis",
    "webpage": "webpage", "post": "webpage", "post-weblog": "blog",
    "dataset": "data", "software": "software", "patent": "patent", "standard": "standard",
    "legislation": "legislation", "legal_case": "legal-case", "manuscript": "other",
    "document": "other", "personal_communication": "communication", "interview": "interview",
}
# Types whose title is an article-like part of a container (the container is <source>).
PART_TYPES = {"article-journal", "article-magazine", "article-newspaper", "article", "review",
              "review-book", "paper-conference", "webpage", "post", "post-weblog", "entry",
              "entry-dictionary", "entry-encyclopedia"}
PERSON_GROUPS = (("author", "author"), ("editor", "editor"), ("container-author", "author"),
                 ("translator", "translator"), ("collection-editor", "editor"),
                 ("compiler", "compiler"), ("director", "director"))
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
CJK_RE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def ref_id(key: str) -> str:
    """The XML id of the ``<ref>`` for citation key *key*."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_.-]", "-", key)


def _text(value) -> str:
    return "" if value is None else re.sub(r"\s+", " ", str(value)).strip()


def _name(parent: etree._Element, person: dict) -> None:
    literal = _text(person.get("literal"))
    family = _text(person.get("family"))
    given = _text(person.get("given"))
    if literal or not (family or given):
        sub(parent, "collab", literal or "Anonymous")
        return
    particle = _text(person.get("non-dropping-particle"))
    eastern = bool(CJK_RE.search(family + given))
    name = sub(parent, "name", name_style="eastern" if eastern else None)
    if particle:
        family = f"{particle} {family}"
    sub(name, "surname", family or given)
    if given and family:
        sub(name, "given-names", given)
    if person.get("suffix"):
        sub(name, "suffix", _text(person["suffix"]))


def _date_parts(value) -> list:
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts") or []
    return [int(x) for x in parts[0]] if parts and parts[0] else []


def _iso(parts: list) -> str:
    return "-".join(f"{p:04d}" if i == 0 else f"{p:02d}" for i, p in enumerate(parts))


def element_citation(item: dict) -> etree._Element:
    """Build the ``<element-citation>`` for one CSL-JSON *item*."""
    ctype = item.get("type", "document")
    ec = etree.Element("element-citation", {"publication-type": PUBLICATION_TYPES.get(ctype, "other")})
    language = _text(item.get("language"))
    if LANG_RE.match(language):  # CSL-JSON "language" is free text; xml:lang must be a language tag
        ec.set(xml_lang(), language)
    for field, group_type in PERSON_GROUPS:
        people = item.get(field)
        if people:
            group = sub(ec, "person-group", person_group_type=group_type)
            for person in people:
                _name(group, person)
    title = _text(item.get("title"))
    container = _text(item.get("container-title"))
    if ctype == "chapter" or (ctype in ("entry-encyclopedia", "entry-dictionary") and container):
        if title:
            sub(ec, "chapter-title", title)
        if container:
            sub(ec, "source", container)
    elif ctype in PART_TYPES:
        if title:
            sub(ec, "article-title", title)
        if container:
            sub(ec, "source", container)
    elif ctype == "manuscript" and item.get("archive"):
        if title:
            sub(ec, "article-title", title)
        sub(ec, "source", _text(item["archive"]))
    else:
        if title:
            sub(ec, "source", title)
        elif container:
            sub(ec, "source", container)
    if item.get("title-translated"):
        sub(ec, "trans-title", _text(item["title-translated"]), xml_lang="en")
    if item.get("container-title-translated"):
        sub(ec, "trans-source", _text(item["container-title-translated"]), xml_lang="en")
    issued = _date_parts(item.get("issued"))
    if issued:
        sub(ec, "year", str(issued[0]), iso_8601_date=f"{issued[0]:04d}")
        if len(issued) > 1 and 1 <= issued[1] <= 12:
            sub(ec, "month", f"{issued[1]:02d}")
        if len(issued) > 2:
            sub(ec, "day", f"{issued[2]:02d}")
    elif isinstance(item.get("issued"), dict) and _text(item["issued"].get("literal")):
        sub(ec, "string-date", _text(item["issued"]["literal"]))
    for field, tag in (("volume", "volume"), ("issue", "issue"), ("edition", "edition")):
        if item.get(field):
            sub(ec, tag, _text(item[field]))
    page = _text(item.get("page"))
    if page:
        first, _, last = page.replace("–", "-").replace("—", "-").partition("-")
        sub(ec, "fpage", first.strip())
        if last.strip():
            sub(ec, "lpage", last.strip())
    if item.get("number-of-pages"):
        sub(ec, "size", _text(item["number-of-pages"]), units="pages")
    if item.get("publisher-place"):
        sub(ec, "publisher-loc", _text(item["publisher-place"]))
    if item.get("publisher"):
        sub(ec, "publisher-name", _text(item["publisher"]))
    if item.get("archive_location"):
        sub(ec, "comment", _text(item["archive_location"]))
    if item.get("note"):
        sub(ec, "comment", _text(item["note"]))
    accessed = _date_parts(item.get("accessed"))
    if accessed:
        label = " ".join(str(x) for x in (
            accessed[2] if len(accessed) > 2 else None,
            MONTHS[accessed[1] - 1] if len(accessed) > 1 and 1 <= accessed[1] <= 12 else None,
            accessed[0]) if x)
        sub(ec, "date-in-citation", f"Accessed {label}", content_type="access-date",
            iso_8601_date=_iso(accessed))
    if item.get("ISBN"):
        sub(ec, "isbn", _text(item["ISBN"]))
    if item.get("ISSN"):
        sub(ec, "issn", _text(item["ISSN"]))
    if item.get("DOI"):
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", _text(item["DOI"]), flags=re.I)
        sub(ec, "pub-id", doi, pub_id_type="doi")
    if item.get("PMID"):
        sub(ec, "pub-id", _text(item["PMID"]), pub_id_type="pmid")
    if item.get("URL"):
        url = _text(item["URL"])
        sub(ec, "ext-link", url, ext_link_type="uri", xlink_href=url)
    return ec


def ref_element(key: str, item: dict) -> etree._Element:
    ref = etree.Element("ref", id=ref_id(key))
    ref.append(element_citation(item))
    return ref
