"""CSL-JSON items as the engine's references.

citeproc-py's ``CiteProcJSON`` keeps titles as flat strings (so ``<i>`` in a
title or a quotation inside a title cannot be formatted or flipped), keeps
every name as given (so "van Gogh" or "Martin Luther King, Jr." come out
wrong), parses only ``date-parts`` and lower-cases ids. This module reads the
same CSL-JSON the way the reference processor does: rich text, particles and
suffixes split out of names, ``raw``/EDTF/season/literal dates, numbers kept
as numbers, ``note`` fields carrying ``key: value`` variables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .richtext import parse_markup, text_of

NAME_VARS = {
    "author", "chair", "collection-editor", "composer", "compiler", "container-author", "contributor",
    "curator", "director", "editor", "editor-translator", "editorial-director", "executive-producer",
    "guest", "host", "illustrator", "interviewer", "narrator", "original-author", "organizer",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator",
}
DATE_VARS = {"accessed", "available-date", "container", "event-date", "issued", "original-date", "submitted"}
NUMBER_VARS = {
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first",
    "part-number", "printing-number", "section", "supplement-number", "version", "volume",
}
STRING_VARS = {"DOI", "ISBN", "ISSN", "PMID", "PMCID", "URL"}


class Name(tuple):
    """A personal or corporate name (hashable: names are keys in disambiguation)."""

    __slots__ = ()
    _fields = ("family", "given", "dropping_particle", "non_dropping_particle", "suffix",
               "comma_suffix", "static_ordering", "literal")

    def __new__(cls, family=None, given=None, dropping_particle=None, non_dropping_particle=None,
                suffix=None, comma_suffix=False, static_ordering=False, literal=None):
        return tuple.__new__(cls, (family, given, dropping_particle, non_dropping_particle, suffix,
                                   comma_suffix, static_ordering, literal))

    family = property(lambda s: s[0])
    given = property(lambda s: s[1])
    dropping_particle = property(lambda s: s[2])
    non_dropping_particle = property(lambda s: s[3])
    suffix = property(lambda s: s[4])
    comma_suffix = property(lambda s: s[5])
    static_ordering = property(lambda s: s[6])
    literal = property(lambda s: s[7])

    def replace(self, **kw) -> "Name":
        values = dict(zip(self._fields, self))
        values.update(kw)
        return Name(**values)

    def __repr__(self):
        parts = [f"{k}={v!r}" for k, v in zip(self._fields, self) if v]
        return f"Name({', '.join(parts)})"


# Latin, Greek, Cyrillic, Hebrew, Arabic, Thai … names are written "given family";
# any other family name (Chinese, Japanese, Korean) is written family-first without a space.
_BYZANTINE_RE = re.compile("[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4"
                           "\u05d6-\u05ff\u1f00-\u1fff\u0600-\u06ff\u200c-\u200e\u2018\u2019\u021a\u021b"
                           "\u202a-\u202e]")


def is_byzantine(name: Name) -> bool:
    return bool(name.family) and bool(_BYZANTINE_RE.search(name.family))


@dataclass
class Date:
    parts: list = field(default_factory=list)  # [[y, m, d], [y, m, d]] (a range when two)
    circa: bool = False
    season: int | None = None
    literal: str | None = None

    def key(self):
        return (tuple(tuple(p) for p in self.parts), self.circa, self.season, self.literal)

    def __eq__(self, other):
        return isinstance(other, Date) and self.key() == other.key()

    def __hash__(self):
        return hash(self.key())


@dataclass
class Reference:
    id: str
    type: str
    vars: dict

    def get(self, name):
        return self.vars.get(name)


# ---------------------------------------------------------------------------


def _fix_apos(t):
    return t.replace("'", "\u2019") if isinstance(t, str) else t


def _is_particle_punct(c):
    return c in "'\u2019-\u2013."


def _is_particle_char(c):
    return c.islower() or _is_particle_punct(c)


def _all_particle(w):
    return all(_is_particle_char(c) for c in w)


def extract_particles(n: Name) -> Name:
    # suffix after a comma in the given name ("Martin Luther, Jr.")
    if n.suffix is None and n.given:
        t = n.given
        if t.startswith('"') and t.endswith('"') and len(t) > 1:
            n = n.replace(given=t[1:-1])
        else:
            a, sep, b = t.partition(",")
            if a and sep and b:
                if b.startswith("!"):
                    n = n.replace(given=a, suffix=b[1:].strip(), comma_suffix=True)
                else:
                    n = n.replace(given=a, suffix=b.strip())
    # dropping particle at the end of the given name ("Alexander von")
    if n.dropping_particle is None and n.given:
        words = n.given.split()
        k = next((i for i, w in enumerate(words) if _all_particle(w)), None)
        if k is not None and k > 0 and all(_all_particle(w) for w in words[k:]):
            n = n.replace(given=" ".join(words[:k]), dropping_particle=" ".join(words[k:]))
    # non-dropping particle at the start of the family name ("van Gogh", "d'Alembert")
    if n.non_dropping_particle is None and n.family:
        t = n.family
        if t.startswith('"') and t.endswith('"') and len(t) > 1:
            n = n.replace(family=t[1:-1])
        else:
            words = t.split()
            k = 0
            while k < len(words) and _all_particle(words[k]):
                k += 1
            if k == 0:
                parts = re.split("['\u2019\\-\u2013.]", t)
                if len(parts) == 2 and _all_particle(parts[0]):
                    punct = next(c for c in t if _is_particle_punct(c))
                    n = n.replace(family=parts[1], non_dropping_particle=parts[0] + punct)
            elif k < len(words):
                n = n.replace(family=" ".join(words[k:]), non_dropping_particle=" ".join(words[:k]))
    return n


def _truthy(v) -> bool:
    if isinstance(v, str):
        return v == "true"
    return bool(v) and v != 0


def parse_name(value) -> Name | None:
    if isinstance(value, str):  # "cheater" syntax: "Family || Given"
        parts = value.split("||")
        fam = parts[0].strip() or None
        giv = parts[1].strip() if len(parts) > 1 else None
        if fam is None and giv is None:
            return Name(literal=value)
        return extract_particles(Name(family=fam, given=giv))
    if not isinstance(value, dict):
        return None

    def s(key):
        v = value.get(key)
        if v is None:
            return None
        v = str(v)
        return _fix_apos(v)

    n = Name(family=s("family"), given=s("given"), dropping_particle=s("dropping-particle"),
             non_dropping_particle=s("non-dropping-particle"), suffix=s("suffix"),
             comma_suffix=_truthy(value.get("comma-suffix", False)),
             static_ordering=_truthy(value.get("static-ordering", False)),
             literal=s("literal"))
    if n.literal is None and n.family is None and n.given is None:
        return None
    return extract_particles(n)


def _as_int(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v)
    if isinstance(v, str):
        v = v.strip()
        if re.fullmatch(r"-?\d+", v):
            return int(v)
    return None


_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_SEASONS = ["spr", "sum", "fal", "win"]


def _raw_date_iso(raw: str):
    t = raw
    pieces = t.split("/")
    if len(pieces) == 1 and "u" in pieces[0]:
        t = pieces[0].replace("u", "0") + "/" + pieces[0].replace("u", "9")
    elif len(pieces) == 2 and pieces[1] in ("open", "unknown"):
        t = pieces[0] + "/"
    ranges = [r.strip() for r in t.split("/")]
    circa = any(r.endswith("~") for r in ranges)
    out = []
    for r in ranges:
        has_y = r.startswith("y")
        if has_y:
            r = r[1:]
        neg = r.startswith("-")
        if neg:
            r = r[1:]
        r = re.split("[~?%T]", r)[0]
        bits = r.split("-")

        def year(y):
            if not (len(y) == 4 or (has_y and len(y) >= 4)):
                return None
            n = _as_int(y)
            if n is None:
                return None
            if neg:
                return -n - 1
            return -1 if n == 0 else n

        if bits == [""]:
            out.append([0])
        elif len(bits) == 3:
            if len(bits[1]) != 2 or len(bits[2]) != 2:
                return None
            y, m, d = year(bits[0]), _as_int(bits[1]), _as_int(bits[2])
            if None in (y, m, d):
                return None
            out.append([y, m, d])
        elif len(bits) == 2:
            if len(bits[1]) != 2:
                return None
            y, m = year(bits[0]), _as_int(bits[1])
            if None in (y, m):
                return None
            out.append([y, m])
        elif len(bits) == 1:
            y = year(bits[0])
            if y is None:
                return None
            out.append([y])
        else:
            return None
    return Date(parts=out, circa=circa)


def _raw_date_old(raw: str):
    out = []
    for r in raw.split("-"):
        bits = [b for b in re.split("[ /,]", r.strip())]
        if bits == [""]:
            out.append([])
            continue

        def month(t):
            n = _as_int(t)
            if n is not None:
                return n
            key = t[:3].lower()
            if key in _MONTHS:
                return _MONTHS.index(key) + 1
            if key in _SEASONS:
                return _SEASONS.index(key) + 13
            return None

        if len(bits) == 3:
            y, m, d = _as_int(bits[2]), month(bits[0]), _as_int(bits[1])
            if None in (y, m, d):
                return None
            out.append([y, m, d])
        elif len(bits) == 2:
            y, m = _as_int(bits[1]), month(bits[0])
            if None in (y, m):
                return None
            out.append([y, m])
        elif len(bits) == 1:
            y = _as_int(bits[0])
            if y is None:
                return None
            out.append([y])
        else:
            return None
    return Date(parts=out)


def raw_date(raw: str) -> Date:
    return _raw_date_iso(raw) or _raw_date_old(raw) or Date(literal=raw)


def parse_date(value) -> Date | None:
    if isinstance(value, str):
        return raw_date(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Date(parts=[[int(value)]])
    if not isinstance(value, dict):
        return None
    if "raw" in value and isinstance(value["raw"], str) and "date-parts" not in value:
        d = raw_date(value["raw"])
    else:
        parts = []
        for p in value.get("date-parts") or []:
            if not isinstance(p, list):
                continue
            ints = []
            for v in p:
                if isinstance(v, str) and not v.strip():
                    continue
                n = _as_int(v)
                if n is None:
                    break
                ints.append(n)
            parts.append(ints)
        d = Date(parts=parts, literal=value.get("literal") if isinstance(value.get("literal"), str) else None)
    if "circa" in value:
        d.circa = _truthy(value["circa"])
    if "season" in value:
        s = _as_int(value["season"])
        if s is None and isinstance(value["season"], str):
            key = value["season"][:3].lower()
            s = _SEASONS.index(key) + 1 if key in _SEASONS else None
        d.season = s
    return d


_NOTE_FIELD_RE = re.compile(r"^([A-Za-z-]+):(.*)$")
_NOTE_BRACED_RE = re.compile(r"\{:([A-Za-z-]+):([^}]*)\}")


def _parse_note(note: str):
    fields = []
    rest = note
    while True:
        m = _NOTE_BRACED_RE.match(rest)
        if m:
            fields.append((m[1], m[2].strip()))
            rest = rest[m.end():]
            continue
        line, nl, after = rest.partition("\n")
        m = _NOTE_FIELD_RE.match(line)
        if m and (m[1] in NAME_VARS or m[1] in DATE_VARS or m[1] in NUMBER_VARS or m[1] in STRING_VARS
                  or m[1] in ("type", "title", "container-title", "publisher", "publisher-place",
                              "original-title", "original-publisher", "original-publisher-place",
                              "genre", "event", "event-place", "authority", "archive", "archive_location",
                              "archive-place", "collection-title", "medium", "status", "dimensions",
                              "jurisdiction", "call-number", "language", "section", "references",
                              "title-short", "container-title-short", "event-title", "division")):
            fields.append((m[1], m[2].strip()))
            rest = after
            if not nl:
                break
            continue
        break
    return fields, rest


def make_reference(item: dict, quotes=None) -> Reference:
    """Convert one CSL-JSON item (already checked by pubpipe.bibliography) to a Reference."""
    from .richtext import DEFAULT_QUOTES

    quotes = quotes or DEFAULT_QUOTES
    key = str(item.get("id", ""))
    ctype = str(item.get("type", "") or "")
    vars_: dict = {}
    raw = dict(item)
    note = raw.pop("note", None)
    if isinstance(note, str) and note:
        fields, rest = _parse_note(note)
        names: dict[str, list] = {}
        for k, v in fields:
            if k == "type":
                ctype = ctype or v
            elif k in NAME_VARS:
                names.setdefault(k, []).append(v)
            elif k not in raw:
                raw[k] = v
        for k, vs in names.items():
            raw.setdefault(k, vs)
        if rest.strip():
            raw["note"] = rest
    for k, v in raw.items():
        if k in ("id", "type") or v is None:
            continue
        if k in ("journalAbbreviation", "shortTitle"):
            k = "container-title-short" if k == "journalAbbreviation" else "title-short"
            if k in raw:
                continue
        if k in NAME_VARS:
            if isinstance(v, list):
                ns = [n for n in (parse_name(x) for x in v) if n is not None]
                if ns:
                    vars_[k] = ns
        elif k in DATE_VARS:
            d = parse_date(v)
            if d is not None:
                vars_[k] = d
        elif k in NUMBER_VARS:
            if isinstance(v, bool):
                continue
            if isinstance(v, (int, float)):
                vars_[k] = int(v)
            elif isinstance(v, str) and v != "":
                vars_[k] = parse_markup(v, quotes)
        elif k in STRING_VARS:
            if isinstance(v, (str, int)) and str(v):
                vars_[k] = str(v)
        elif isinstance(v, str):
            if v:
                vars_[k] = parse_markup(v, quotes)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            vars_[k] = [str(v)]
    return Reference(id=key, type=ctype, vars=vars_)


def value_text(v) -> str:
    """The text of a variable value (rich text, string or number)."""
    if v is None:
        return ""
    if isinstance(v, (str, int)):
        return str(v)
    if isinstance(v, list) and (not v or not isinstance(v[0], Name)):
        return text_of(v)
    return ""
