"""The metadata model: one reading of a manuscript's YAML front matter.

The front matter follows Quarto's scholarly metadata schema (``title``,
``author`` with ``affiliations`` by ``ref``, ``affiliations``, ``abstract``,
``keywords``, ``license``, ``copyright``, ``funding``, ``citation`` …) so that
manuscripts move between the tools. This one model feeds JATS article-meta,
the PDF's document information, the EPUB package metadata and the HTML meta
tags. Unknown keys are warnings; wrong types are errors naming file and line.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import UserError, warn

# ---------------------------------------------------------------------------
# Reading the YAML block with line numbers


class _Located:
    """Line numbers (1-based, in the Markdown file) of every value in the front matter."""

    def __init__(self, offset: int, path: Path | None = None):
        self.offset = offset
        self.path = path
        self.lines: dict[tuple, int] = {}

    def line(self, path: tuple) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def split_front_matter(text: str, path: Path) -> tuple[str, int, str]:
    """Return (yaml_text, first_yaml_line, body) of a Markdown file.

    The front matter is the YAML block that opens the file (``---`` … ``---``
    or ``...``). A file without one has empty metadata.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return "", 1, text
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:])
    raise UserError("the YAML front matter opened on line 1 is never closed.", path, 1,
                    "End it with a line holding only '---'.")


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases (no billion-laughs expansion)."""

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed in front matter", event.start_mark)
        return super().compose_node(parent, index)


# Dates stay text (checked by _Checker.date): PyYAML's timestamp reader crashes on 2024-13-45.
_Loader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _to_python(node: yaml.Node, loader: _Loader, located: _Located, path: tuple) -> Any:
    located.lines[path] = node.start_mark.line + located.offset
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node)
            key = str(key)
            out[key] = _to_python(value_node, loader, located, path + (key,))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(v, loader, located, path + (i,)) for i, v in enumerate(node.value)]
    value = loader.construct_object(node)
    if isinstance(value, str) and CONTROL_RE.search(value):
        char = CONTROL_RE.search(value).group()
        key = ".".join(str(p) for p in path)
        raise UserError(f"front matter '{key}' holds the control character U+{ord(char):04X}, which XML "
                        "cannot carry.", located.path, located.lines[path],
                        "Delete it (it is usually invisible, pasted from another program).")
    return value


def read_front_matter(md_path: Path, text: str | None = None) -> tuple[dict, _Located]:
    """Parse the front matter of *md_path* into plain Python data with line numbers."""
    if text is None:
        text = md_path.read_text(encoding="utf-8")
    yaml_text, first_line, _ = split_front_matter(text, md_path)
    located = _Located(first_line, md_path)
    if not yaml_text.strip():
        return {}, located
    loader = _Loader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, located
        data = _to_python(node, loader, located, ())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + first_line if mark else first_line
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(f"the YAML front matter is malformed: {problem}.", md_path, line,
                        "Fix the YAML syntax (indentation, quotes around values holding ': ').") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise UserError("the YAML front matter must be a mapping of keys to values.", md_path, first_line)
    return data, located


# ---------------------------------------------------------------------------
# The model


@dataclass
class Affiliation:
    id: str
    name: str = ""
    department: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    ror: str = ""
    url: str = ""


@dataclass
class Author:
    given: str
    family: str
    literal: str = ""
    orcid: str = ""
    email: str = ""
    url: str = ""
    corresponding: bool = False
    roles: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)  # affiliation ids
    bio: str = ""  # Markdown
    eastern: bool = False  # family name first (CJK)

    @property
    def display_name(self) -> str:
        if self.literal:
            return self.literal
        if self.eastern:
            return f"{self.family}{self.given}" if _is_cjk(self.family + self.given) else f"{self.family} {self.given}"
        return " ".join(p for p in (self.given, self.family) if p)


@dataclass
class Funding:
    source: str
    awards: list[str] = field(default_factory=list)
    recipient: str = ""


@dataclass
class License:
    text: str
    url: str = ""
    spdx: str = ""


@dataclass
class Journal:
    """The ``citation`` block: where the article is published."""

    container_title: str = ""
    container_title_short: str = ""
    volume: str = ""
    issue: str = ""
    issn: str = ""
    eissn: str = ""
    publisher: str = ""
    publisher_place: str = ""
    first_page: str = ""
    last_page: str = ""
    elocation_id: str = ""
    url: str = ""

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


@dataclass
class Metadata:
    title: str  # Markdown
    source: Path
    subtitle: str = ""
    short_title: str = ""
    authors: list[Author] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)
    abstract: str = ""
    keywords: list[str] = field(default_factory=list)
    lang: str = "en"
    date: str = ""  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    date_received: str = ""
    date_accepted: str = ""
    doi: str = ""
    article_type: str = "research-article"
    license: License | None = None
    copyright_holder: str = ""
    copyright_year: str = ""
    copyright_statement: str = ""
    funding: list[Funding] = field(default_factory=list)
    funding_statement: str = ""
    journal: Journal = field(default_factory=Journal)
    bibliography: list[str] = field(default_factory=list)
    csl: str = ""
    paper: str = "a4"
    pdf_variants: list[str] = field(default_factory=list)
    number_sections: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def year(self) -> str:
        return self.date[:4] if self.date else ""

    @property
    def plain_title(self) -> str:
        return markdown_to_plain(self.title)

    @property
    def plain_subtitle(self) -> str:
        return markdown_to_plain(self.subtitle)

    @property
    def running_title(self) -> str:
        return markdown_to_plain(self.short_title) or self.plain_title

    def affiliation(self, aff_id: str) -> Affiliation | None:
        return next((a for a in self.affiliations if a.id == aff_id), None)


def markdown_to_plain(text: str) -> str:
    """Strip the inline Markdown used in titles (emphasis, code) to plain text."""
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith(("CJK UNIFIED", "HANGUL", "HIRAGANA", "KATAKANA"))
               for ch in text)


# ---------------------------------------------------------------------------
# Validation


CREDIT_ROLES = {
    "conceptualization": "Conceptualization",
    "data curation": "Data curation",
    "formal analysis": "Formal analysis",
    "funding acquisition": "Funding acquisition",
    "investigation": "Investigation",
    "methodology": "Methodology",
    "project administration": "Project administration",
    "resources": "Resources",
    "software": "Software",
    "supervision": "Supervision",
    "validation": "Validation",
    "visualization": "Visualization",
    "writing – original draft": "Writing – original draft",
    "writing – review & editing": "Writing – review & editing",
}
CREDIT_URI = "https://credit.niso.org/contributor-roles/{}/"

LICENSES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution-NonCommercial 4.0 International", "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution-NoDerivatives 4.0 International", "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-ND-4.0": ("Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 International", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "CC0-1.0": ("CC0 1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
}

PAPER_SIZES = ("a4", "letter")
PDF_VARIANTS = ("pdf/a-3b", "pdf/ua-1", "print")

KNOWN_KEYS = {
    "title", "subtitle", "short-title", "author", "affiliations", "abstract", "keywords",
    "lang", "date", "date-received", "date-accepted", "doi", "license", "copyright",
    "funding", "citation", "bibliography", "csl", "paper", "pdf-variants", "article-type",
    "number-sections",
}
AUTHOR_KEYS = {"name", "orcid", "email", "url", "corresponding", "roles", "role",
               "affiliations", "affiliation", "bio", "id"}
AFFILIATION_KEYS = {"id", "name", "department", "city", "region", "country", "ror", "url",
                    "ref", "address", "postal-code"}
CITATION_KEYS = {"container-title", "container-title-short", "volume", "issue", "issn", "eissn",
                 "publisher", "publisher-place", "page", "first-page", "last-page", "pages",
                 "elocation-id", "url", "type", "doi"}
FUNDING_KEYS = {"source", "award", "awards", "recipient", "statement"}

ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
DOI_RE = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.I)
ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


class _Checker:
    """Type checks with file and line in every message."""

    def __init__(self, path: Path, located: _Located):
        self.path = path
        self.located = located
        self.warnings: list[str] = []

    def fail(self, where: tuple, message: str, hint: str = "") -> None:
        key = ".".join(str(p) for p in where)
        raise UserError(f"front matter '{key}': {message}", self.path, self.located.line(where),
                        hint or "See README, 'Front matter reference'.")

    def warn(self, where: tuple, message: str) -> None:
        key = ".".join(str(p) for p in where)
        text = f"front matter '{key}': {message}"
        self.warnings.append(text)
        warn(text, self.path, self.located.line(where))

    def text(self, value: Any, where: tuple, *, allow_number: bool = False) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(where, f"expected text, found {_kind(value)}.")
        return str(value).strip()

    def text_list(self, value: Any, where: tuple) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            self.fail(where, f"expected a list of text, found {_kind(value)}.")
        return [t for i, v in enumerate(value) if (t := self.text(v, where + (i,)))]

    def mapping(self, value: Any, where: tuple, known: set[str]) -> dict:
        if not isinstance(value, dict):
            self.fail(where, f"expected a mapping (key: value lines), found {_kind(value)}.")
        for key in value:
            if key not in known:
                self.warn(where + (key,), f"unknown key '{key}' is ignored.")
        return value

    def boolean(self, value: Any, where: tuple) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(where, f"expected true or false, found {_kind(value)}.")
        return value

    def date(self, value: Any, where: tuple) -> str:
        text = self.text(value, where)
        if not text:
            return ""
        m = DATE_RE.match(text)
        if not m:
            self.fail(where, f"'{text}' is not a date.", "Write it as YYYY-MM-DD, YYYY-MM or YYYY.")
        try:
            _dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
        except ValueError:
            self.fail(where, f"'{text}' is not a calendar date.", "Write it as YYYY-MM-DD, YYYY-MM or YYYY.")
        return text


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def split_name(name: str) -> tuple[str, str, bool]:
    """Split a display name into (given, family, eastern).

    "Family, Given" and "Given Family" are understood; a name in Han or Hangul
    script with no space is family-first, with a one-character family name.
    """
    name = name.strip()
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
        return given, family, False
    if _is_cjk(name) and " " not in name:
        return name[1:], name[:1], True
    parts = name.split()
    if len(parts) == 1:
        return "", parts[0], False
    particles = {"van", "von", "de", "der", "den", "da", "di", "du", "le", "la", "del", "dos", "das"}
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in particles:
        i -= 1
    return " ".join(parts[:i]), " ".join(parts[i:]), False


def _author(c: _Checker, raw: Any, where: tuple, aff_ids: dict[str, Affiliation],
            new_affs: list[Affiliation]) -> Author:
    if isinstance(raw, str):
        raw = {"name": raw}
    raw = c.mapping(raw, where, AUTHOR_KEYS)
    name = raw.get("name")
    eastern = False
    literal = ""
    if isinstance(name, dict):
        c.mapping(name, where + ("name",), {"given", "family", "literal", "dropping-particle",
                                            "non-dropping-particle", "suffix"})
        given = c.text(name.get("given"), where + ("name", "given"))
        family = c.text(name.get("family"), where + ("name", "family"))
        literal = c.text(name.get("literal"), where + ("name", "literal"))
        particle = c.text(name.get("non-dropping-particle"), where + ("name", "non-dropping-particle"))
        if particle:
            family = f"{particle} {family}"
        eastern = _is_cjk(family + given)
        if not (family or literal):
            c.fail(where + ("name",), "an author name needs 'family' (or 'literal').")
    else:
        text = c.text(name, where + ("name",))
        if not text:
            c.fail(where, "every author needs a 'name'.")
        given, family, eastern = split_name(text)
    orcid = c.text(raw.get("orcid"), where + ("orcid",))
    if orcid:
        m = ORCID_RE.match(orcid)
        if not m:
            c.fail(where + ("orcid",), f"'{orcid}' is not an ORCID iD.",
                   "Write it as 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097.")
        orcid = f"https://orcid.org/{m[1]}"
    email = c.text(raw.get("email"), where + ("email",))
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        c.fail(where + ("email",), f"'{email}' is not an e-mail address.")
    roles_raw = raw.get("roles", raw.get("role"))
    roles = []
    for i, role in enumerate(c.text_list(roles_raw, where + ("roles",))):
        canonical = CREDIT_ROLES.get(role.lower().replace("-", "–").replace(" and ", " & "))
        if canonical is None:
            canonical = CREDIT_ROLES.get(role.lower())
        if canonical is None:
            c.warn(where + ("roles", i), f"'{role}' is not a CRediT role; it is kept as free text.")
            canonical = role
        roles.append(canonical)
    affs_raw = raw.get("affiliations", raw.get("affiliation"))
    if affs_raw is not None and not isinstance(affs_raw, list):
        affs_raw = [affs_raw]
    aff_refs: list[str] = []
    for i, a in enumerate(affs_raw or []):
        w = where + ("affiliations", i)
        if isinstance(a, dict) and "ref" in a:
            ref = c.text(a["ref"], w + ("ref",))
            if ref not in aff_ids:
                c.fail(w + ("ref",), f"no affiliation has id '{ref}'.",
                       f"Known ids: {', '.join(aff_ids) or 'none'}; add it under 'affiliations'.")
            aff_refs.append(ref)
        else:
            aff = _affiliation(c, {"name": a} if isinstance(a, str) else a, w,
                               f"aff{len(aff_ids) + len(new_affs) + 1}")
            new_affs.append(aff)
            aff_refs.append(aff.id)
    return Author(given=given, family=family, literal=literal, orcid=orcid, email=email,
                  url=c.text(raw.get("url"), where + ("url",)),
                  corresponding=c.boolean(raw.get("corresponding"), where + ("corresponding",)),
                  roles=roles, affiliations=aff_refs, bio=c.text(raw.get("bio"), where + ("bio",)),
                  eastern=eastern)


def _affiliation(c: _Checker, raw: Any, where: tuple, default_id: str) -> Affiliation:
    raw = c.mapping(raw, where, AFFILIATION_KEYS)
    aff_id = c.text(raw.get("id"), where + ("id",)) or default_id
    if not re.match(r"^[A-Za-z_][\w.-]*$", aff_id):
        c.fail(where + ("id",), f"'{aff_id}' cannot be an id.", "Use letters, digits, '-' and '_', starting with a letter.")
    ror = c.text(raw.get("ror"), where + ("ror",))
    if ror:
        m = ROR_RE.match(ror)
        if not m:
            c.fail(where + ("ror",), f"'{ror}' is not a ROR id.", "Write it as https://ror.org/052gg0110.")
        ror = f"https://ror.org/{m[1]}"
    name = c.text(raw.get("name"), where + ("name",))
    if not name:
        c.fail(where, "an affiliation needs a 'name'.")
    return Affiliation(id=aff_id, name=name, department=c.text(raw.get("department"), where + ("department",)),
                       city=c.text(raw.get("city"), where + ("city",)),
                       region=c.text(raw.get("region"), where + ("region",)),
                       country=c.text(raw.get("country"), where + ("country",)), ror=ror,
                       url=c.text(raw.get("url"), where + ("url",)))


def _license(c: _Checker, raw: Any, where: tuple) -> License | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        spdx = next((k for k in LICENSES if k.lower() == raw.strip().lower().replace(" ", "-")), "")
        if spdx:
            return License(text=LICENSES[spdx][0], url=LICENSES[spdx][1], spdx=spdx)
        if raw.startswith(("http://", "https://")):
            return License(text=raw, url=raw)
        return License(text=raw)
    raw = c.mapping(raw, where, {"text", "url", "type"})
    text = c.text(raw.get("text"), where + ("text",))
    url = c.text(raw.get("url"), where + ("url",))
    if not (text or url):
        c.fail(where, "a license needs 'text' or 'url'.")
    return License(text=text or url, url=url, spdx=c.text(raw.get("type"), where + ("type",)))


def _journal(c: _Checker, raw: Any, where: tuple) -> Journal:
    if raw is None:
        return Journal()
    raw = c.mapping(raw, where, CITATION_KEYS)
    j = Journal(**{k.replace("-", "_"): c.text(raw.get(k), where + (k,))
                   for k in ("container-title", "container-title-short", "volume", "issue", "issn",
                             "eissn", "publisher", "publisher-place", "first-page", "last-page",
                             "elocation-id", "url")})
    pages = c.text(raw.get("page", raw.get("pages")), where + ("page",))
    if pages and not j.first_page:
        parts = re.split(r"\s*[-–]\s*", pages, maxsplit=1)
        j.first_page = parts[0]
        j.last_page = parts[1] if len(parts) > 1 else ""
    if j.issn and not re.match(r"^\d{4}-\d{3}[\dXx]$", j.issn):
        c.fail(where + ("issn",), f"'{j.issn}' is not an ISSN.", "Write it as 1234-5679.")
    return j


def parse_metadata(data: dict, md_path: Path, located: _Located | None = None) -> Metadata:
    """Check the front matter's keys and types and build the :class:`Metadata`."""
    c = _Checker(md_path, located or _Located(2))
    for key in data:
        if key not in KNOWN_KEYS:
            c.warn((key,), f"unknown key '{key}' is ignored.")
    title = c.text(data.get("title"), ("title",))
    if not title:
        raise UserError("the front matter has no 'title'.", md_path, c.located.line(()) or 1,
                        "Add a line 'title: \"…\"' to the YAML block at the top.")

    affs: list[Affiliation] = []
    raw_affs = data.get("affiliations")
    if raw_affs is not None and not isinstance(raw_affs, list):
        c.fail(("affiliations",), f"expected a list, found {_kind(raw_affs)}.")
    for i, raw in enumerate(raw_affs or []):
        aff = _affiliation(c, raw, ("affiliations", i), f"aff{i + 1}")
        if any(a.id == aff.id for a in affs):
            c.fail(("affiliations", i, "id"), f"the id '{aff.id}' is used twice.")
        affs.append(aff)
    aff_ids = {a.id: a for a in affs}

    raw_authors = data.get("author", data.get("authors"))
    if raw_authors is not None and not isinstance(raw_authors, list):
        raw_authors = [raw_authors]
    new_affs: list[Affiliation] = []
    authors = [_author(c, raw, ("author", i), aff_ids, new_affs) for i, raw in enumerate(raw_authors or [])]
    affs.extend(new_affs)

    copyright_raw = data.get("copyright")
    holder = year = statement = ""
    if copyright_raw is not None:
        if isinstance(copyright_raw, str):
            statement = copyright_raw
        else:
            cr = c.mapping(copyright_raw, ("copyright",), {"holder", "year", "statement"})
            holder = c.text(cr.get("holder"), ("copyright", "holder"))
            year = c.text(cr.get("year"), ("copyright", "year"))
            statement = c.text(cr.get("statement"), ("copyright", "statement"))
            if year and not re.match(r"^\d{4}$", year):
                c.fail(("copyright", "year"), f"'{year}' is not a year.")

    funding: list[Funding] = []
    funding_statement = ""
    raw_funding = data.get("funding")
    if isinstance(raw_funding, str):
        funding_statement = raw_funding
    elif raw_funding is not None:
        if isinstance(raw_funding, dict):
            raw_funding = [raw_funding]
        if not isinstance(raw_funding, list):
            c.fail(("funding",), f"expected a list of funders, found {_kind(raw_funding)}.")
        for i, f in enumerate(raw_funding):
            w = ("funding", i)
            f = c.mapping({"source": f} if isinstance(f, str) else f, w, FUNDING_KEYS)
            if "statement" in f:
                funding_statement = c.text(f["statement"], w + ("statement",))
                if "source" not in f:
                    continue
            source = c.text(f.get("source"), w + ("source",))
            if not source:
                c.fail(w, "a funder needs a 'source'.")
            funding.append(Funding(source=source,
                                   awards=c.text_list(f.get("award", f.get("awards")), w + ("award",)),
                                   recipient=c.text(f.get("recipient"), w + ("recipient",))))

    bibliography = c.text_list(data.get("bibliography"), ("bibliography",))
    lang = c.text(data.get("lang"), ("lang",)) or "en"
    if not LANG_RE.match(lang):
        c.fail(("lang",), f"'{lang}' is not a language tag.", "Use a BCP 47 tag such as en-GB, zh-Hans or ko.")
    doi = c.text(data.get("doi"), ("doi",))
    if doi:
        m = DOI_RE.match(doi)
        if not m:
            c.fail(("doi",), f"'{doi}' is not a DOI.", "Write it as 10.1234/abcd.5678.")
        doi = m[1]
    paper = c.text(data.get("paper"), ("paper",)).lower() or "a4"
    if paper not in PAPER_SIZES:
        c.fail(("paper",), f"'{paper}' is not a paper size.", f"Use one of: {', '.join(PAPER_SIZES)}.")
    variants = [v.lower() for v in c.text_list(data.get("pdf-variants"), ("pdf-variants",))]
    for i, v in enumerate(variants):
        if v not in PDF_VARIANTS:
            c.fail(("pdf-variants", i), f"'{v}' is not a PDF variant.", f"Use any of: {', '.join(PDF_VARIANTS)}.")
    abstract = data.get("abstract")
    return Metadata(
        title=title, source=md_path,
        subtitle=c.text(data.get("subtitle"), ("subtitle",)),
        short_title=c.text(data.get("short-title"), ("short-title",)),
        authors=authors, affiliations=affs,
        abstract=c.text(abstract, ("abstract",)),
        keywords=c.text_list(data.get("keywords"), ("keywords",)),
        lang=lang, date=c.date(data.get("date"), ("date",)),
        date_received=c.date(data.get("date-received"), ("date-received",)),
        date_accepted=c.date(data.get("date-accepted"), ("date-accepted",)),
        doi=doi, article_type=c.text(data.get("article-type"), ("article-type",)) or "research-article",
        license=_license(c, data.get("license"), ("license",)),
        copyright_holder=holder, copyright_year=year, copyright_statement=statement,
        funding=funding, funding_statement=funding_statement,
        journal=_journal(c, data.get("citation"), ("citation",)),
        bibliography=bibliography, csl=c.text(data.get("csl"), ("csl",)),
        paper=paper, pdf_variants=variants,
        number_sections=c.boolean(data.get("number-sections"), ("number-sections",)),
        warnings=c.warnings,
    )


def load_metadata(md_path: Path, text: str | None = None) -> Metadata:
    data, located = read_front_matter(md_path, text)
    return parse_metadata(data, md_path, located)
