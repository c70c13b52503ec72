"""What the web page and the EPUB need from a finished JATS file, read from the JATS only.

The renditions never go back to the Markdown: :func:`read_article` reads the
finished ``<slug>.xml`` and :func:`article_info` collects its front matter
(article-meta and journal-meta) into plain values for package metadata, meta
tags and JSON-LD. :func:`build_time` gives the one timestamp a rendition may
carry, and :func:`collect_figures` the image files a rendition must ship.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import UserError
from .jats import MML, XLINK, XML_NS, parse_jats, text_of
from .jats_to_html import _aff_text, contrib_name
from .untrusted import check_image_file

# A build with neither SOURCE_DATE_EPOCH nor any date in the JATS is stamped with this
# fixed instant (never the clock), so its bytes still do not change between builds.
FALLBACK_TIME = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


@dataclass
class Person:
    name: str  # display name, in the name order of its script
    given: str = ""
    surname: str = ""
    eastern: bool = False
    orcid: str = ""
    email: str = ""
    corresponding: bool = False
    roles: list[tuple[str, str]] = field(default_factory=list)  # (term, vocabulary URI or "")
    affiliations: list[str] = field(default_factory=list)  # one line each
    affiliation_ids: list[str] = field(default_factory=list)  # ROR ids, parallel to affiliations

    @property
    def inverted(self) -> str:
        """``Surname, Given`` (file-as, Highwire), or the name itself for a collaboration."""
        if self.surname and self.given:
            return f"{self.surname}, {self.given}"
        return self.name


@dataclass
class ArticleInfo:
    slug: str
    lang: str
    title: str
    subtitle: str = ""
    article_type: str = ""
    authors: list[Person] = field(default_factory=list)
    pub_date: str = ""  # ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD)
    received: str = ""
    accepted: str = ""
    doi: str = ""
    keywords: list[str] = field(default_factory=list)
    abstract: str = ""
    license_url: str = ""
    license_text: str = ""
    license_name: str = ""  # the licence link's text, e.g. "Creative Commons Attribution 4.0 International"
    copyright_statement: str = ""
    copyright_holder: str = ""
    copyright_year: str = ""
    journal: str = ""
    journal_abbrev: str = ""
    issns: list[tuple[str, str]] = field(default_factory=list)  # (pub-type, ISSN)
    publisher: str = ""
    publisher_place: str = ""
    volume: str = ""
    issue: str = ""
    fpage: str = ""
    lpage: str = ""
    elocation: str = ""
    url: str = ""  # the article's own address (self-uri), when the front matter gives one

    @property
    def full_title(self) -> str:
        if not self.subtitle:
            return self.title
        sep = " " if self.title.endswith((":", "?", "!", "：", "？")) else ": "
        return f"{self.title}{sep}{self.subtitle}"

    @property
    def rights(self) -> str:
        statement = self.copyright_statement
        if statement and self.license_text and not statement.endswith((".", "!", "?")):
            statement += "."
        return " ".join(p for p in (statement, self.license_text) if p)


def _plain(el: etree._Element | None) -> str:
    return " ".join(text_of(el).split()) if el is not None else ""


def read_article(jats_xml: Path) -> etree._ElementTree:
    """Parse a finished JATS file; a missing or malformed file is a user error."""
    jats_xml = Path(jats_xml)
    if not jats_xml.is_file():
        raise UserError("the finished JATS file does not exist.", jats_xml,
                        hint="Build the 'jats' stage first (pubpipe build DIR).")
    tree = parse_jats(jats_xml, jats_xml)
    if tree.getroot().tag != "article":
        raise UserError("this is not a JATS article (its root element is not <article>).", jats_xml)
    return tree


def article_info(tree: etree._ElementTree | etree._Element, slug: str) -> ArticleInfo:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    am = root.find("front/article-meta")
    jm = root.find("front/journal-meta")
    lang = root.get(f"{{{XML_NS}}}lang") or "en"
    if am is None:
        return ArticleInfo(slug=slug, lang=lang, title=slug)
    info = ArticleInfo(slug=slug, lang=lang,
                       title=_plain(am.find("title-group/article-title")) or slug,
                       subtitle=_plain(am.find("title-group/subtitle")),
                       article_type=root.get("article-type", ""))
    affs = {aff.get("id"): aff for aff in am.iter("aff") if aff.get("id")}
    for contrib in am.findall("contrib-group/contrib"):
        name = contrib.find("name")
        person = Person(name=contrib_name(contrib),
                        given=(name.findtext("given-names") or "").strip() if name is not None else "",
                        surname=(name.findtext("surname") or "").strip() if name is not None else "",
                        eastern=name is not None and name.get("name-style") == "eastern",
                        orcid=(contrib.findtext("contrib-id[@contrib-id-type='orcid']") or "").strip(),
                        email=(contrib.findtext("email") or "").strip(),
                        corresponding=contrib.get("corresp") == "yes")
        for role in contrib.findall("role"):
            person.roles.append((_plain(role), role.get("vocab-term-identifier", "")))
        for xref in contrib.findall("xref[@ref-type='aff']"):
            aff = affs.get(xref.get("rid"))
            if aff is not None:
                person.affiliations.append(_aff_text(aff))
                person.affiliation_ids.append(
                    (aff.findtext(".//institution-id[@institution-id-type='ror']") or "").strip())
        info.authors.append(person)
    pub = am.find("pub-date[@date-type='pub']")
    if pub is None:
        pub = am.find("pub-date")
    if pub is not None:
        info.pub_date = pub.get("iso-8601-date") or _date_from_parts(pub)
    for date in am.findall("history/date"):
        iso = date.get("iso-8601-date") or _date_from_parts(date)
        if date.get("date-type") == "received":
            info.received = iso
        elif date.get("date-type") == "accepted":
            info.accepted = iso
    info.doi = (am.findtext("article-id[@pub-id-type='doi']") or "").strip()
    info.keywords = [_plain(k) for k in am.findall("kwd-group/kwd") if _plain(k)]
    abstract = am.find("abstract")
    if abstract is not None:
        info.abstract = " ".join(_plain(p) for p in abstract.iter("p")) or _plain(abstract)
    perm = am.find("permissions")
    if perm is not None:
        info.copyright_statement = _plain(perm.find("copyright-statement"))
        info.copyright_holder = _plain(perm.find("copyright-holder"))
        info.copyright_year = _plain(perm.find("copyright-year"))
        lic = perm.find("license")
        if lic is not None:
            ref = lic.find("{http://www.niso.org/schemas/ali/1.0/}license_ref")
            info.license_url = (_plain(ref) if ref is not None else "") or lic.get(f"{{{XLINK}}}href", "")
            info.license_text = " ".join(_plain(p) for p in lic.findall("license-p"))
            link = lic.find("license-p/ext-link")
            info.license_name = _plain(link) if link is not None else ""
    if jm is not None:
        info.journal = _plain(jm.find("journal-title-group/journal-title"))
        info.journal_abbrev = _plain(jm.find("journal-title-group/abbrev-journal-title"))
        info.issns = [(i.get("pub-type") or i.get("publication-format") or "", _plain(i)) for i in jm.findall("issn")]
        info.publisher = _plain(jm.find("publisher/publisher-name"))
        info.publisher_place = _plain(jm.find("publisher/publisher-loc"))
    info.volume = _plain(am.find("volume"))
    info.issue = _plain(am.find("issue"))
    info.fpage = _plain(am.find("fpage"))
    info.lpage = _plain(am.find("lpage"))
    info.elocation = _plain(am.find("elocation-id"))
    self_uri = am.find("self-uri")
    if self_uri is not None:
        info.url = (self_uri.get(f"{{{XLINK}}}href") or _plain(self_uri)).strip()
    return info


def describe_math(tree: etree._ElementTree | etree._Element) -> None:
    """Give every MathML formula without ``alttext`` its TeX source as the text alternative.

    The TeX (from the formula's ``<alternatives>``) reads correctly aloud where
    the flattened MathML text does not (``E = m c^2``, not ``E=mc2``).
    """
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    for math in root.iter(f"{{{MML}}}math"):
        if math.get("alttext"):
            continue
        parent = math.getparent()
        tex = parent.find("tex-math") if parent is not None else None
        if tex is not None and text_of(tex).strip():
            math.set("alttext", " ".join(text_of(tex).split()))


def _date_from_parts(el: etree._Element) -> str:
    year = (el.findtext("year") or "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return ""
    parts = [year]
    for tag in ("month", "day"):
        value = (el.findtext(tag) or "").strip()
        if not value.isdigit():
            break
        parts.append(f"{int(value):02d}")
    return "-".join(parts)


def _parse_iso(iso: str) -> _dt.datetime | None:
    parts = [int(p) for p in iso.split("-") if p.isdigit()]
    if not parts:
        return None
    parts += [1] * (3 - len(parts))
    try:
        return _dt.datetime(parts[0], parts[1], parts[2], tzinfo=_dt.timezone.utc)
    except ValueError:
        return None


def build_time(info: ArticleInfo) -> _dt.datetime:
    """The instant a rendition is stamped with: SOURCE_DATE_EPOCH, else the article's dates.

    SOURCE_DATE_EPOCH (seconds since 1970, the reproducible-builds convention)
    wins when set; otherwise the publication date (then accepted, received,
    copyright year) at midnight UTC; otherwise :data:`FALLBACK_TIME`. Never the clock.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise UserError(f"SOURCE_DATE_EPOCH is '{epoch}', not a number of seconds.",
                            hint="Set it to an integer such as 1700000000, or unset it.")
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc)
    for iso in (info.pub_date, info.accepted, info.received, info.copyright_year):
        when = _parse_iso(iso) if iso else None
        if when is not None:
            return when
    return FALLBACK_TIME


@dataclass
class Figure:
    href: str  # as written in the JATS, relative to the manuscript folder
    source: Path
    media_type: str
    target: str  # where the rendition puts it (relative path, safe characters only)


def collect_figures(tree: etree._ElementTree | etree._Element, manuscript_folder: Path,
                    jats_xml: Path | None = None) -> list[Figure]:
    """Every image the JATS refers to (graphic, inline-graphic), checked to exist in the folder."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    folder = Path(manuscript_folder).resolve()
    figures: dict[str, Figure] = {}
    for el in root.iter("graphic", "inline-graphic"):
        href = (el.get(f"{{{XLINK}}}href") or "").strip()
        if not href or href in figures:
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            raise UserError(f"the image '{href}' is a remote address; renditions ship their images.",
                            jats_xml, el.sourceline,
                            hint="Download it into the manuscript's figures/ folder and refer to it there.")
        source = (folder / href).resolve()
        if folder not in source.parents:
            raise UserError(f"the image '{href}' lies outside the manuscript folder.", jats_xml,
                            el.sourceline, hint="Put images in the manuscript's figures/ folder.")
        if not source.is_file():
            raise UserError(f"the image '{href}' does not exist in {manuscript_folder}.", jats_xml,
                            el.sourceline, hint="Add the file to figures/ or fix the path in the manuscript.")
        media_type = IMAGE_TYPES.get(source.suffix.lower())
        if media_type is None:
            raise UserError(f"the image '{href}' is a {source.suffix or 'extensionless'} file; EPUB "
                            "and browsers take PNG, JPEG, GIF, SVG or WebP.", jats_xml, el.sourceline,
                            hint="Convert it to PNG (photos: JPEG) or SVG.")
        check_image_file(source, jats_xml or Path(manuscript_folder), el.sourceline)  # type by magic, safe SVG
        target = _safe_target(source.relative_to(folder).as_posix(), {f.target for f in figures.values()})
        figures[href] = Figure(href=href, source=source, media_type=media_type, target=target)
    return [figures[k] for k in sorted(figures)]


def _safe_target(rel: str, taken: set[str]) -> str:
    """*rel* with only URL- and zip-safe characters (no spaces, no '%'), unique among *taken*."""
    parts = [re.sub(r"[^A-Za-z0-9._-]+", "-", p).strip("-") or "file" for p in rel.split("/")]
    if parts[0] != "figures":
        parts.insert(0, "figures")
    target = "/".join(parts)
    stem, dot, ext = target.rpartition(".")
    n = 1
    while target in taken:
        n += 1
        target = f"{stem}-{n}.{ext}" if dot else f"{target}-{n}"
    return target
