"""Locales: terms, localized dates and style options, looked up once and cached.

citeproc-py searches its locale chain with an XPath query on every term
lookup (one of the main costs found when profiling: ~70% of its time goes to
such repeated lookups) and falls back to en-US even when a style's own locale
should win. Here the locales a style uses -- its in-style ``cs:locale``
elements (exact dialect, then primary dialect, then bare language, then no
language) and then citeproc-py's bundled locale file for the language -- are
merged once into dictionaries: terms by name, dates by form, options.
"""

from __future__ import annotations

import json
import os

import citeproc

CSL_NS = "http://purl.org/net/xbiblio/csl"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

with open(os.path.join(citeproc.LOCALES_PATH, "locales.json"), encoding="utf-8") as _f:
    _LOCALES_JSON = json.load(_f)
PRIMARY_DIALECTS: dict[str, str] = _LOCALES_JSON["primary-dialects"]


def locale_file(lang: str) -> str | None:
    """citeproc-py's bundled locale file for *lang* (or its primary dialect)."""
    candidates = [lang]
    base = lang.split("-")[0]
    if base in PRIMARY_DIALECTS:
        candidates.append(PRIMARY_DIALECTS[base])
    candidates.append(base)
    for c in candidates:
        path = os.path.join(citeproc.LOCALES_PATH, f"locales-{c}.xml")
        if os.path.isfile(path):
            return path
    return None


def _text(el) -> str:
    return "".join(el.itertext()) if el is not None else ""


class Term:
    __slots__ = ("form", "number", "gender", "gender_form", "match", "text")

    def __init__(self, form, number, gender, gender_form, match, text):
        self.form = form
        self.number = number
        self.gender = gender
        self.gender_form = gender_form
        self.match = match
        self.text = text


class Locale:
    """The merged locale of one style in one language."""

    def __init__(self, lang: str, locale_elements: list):
        self.lang = lang
        self.terms: dict[str, list[Term]] = {}
        self.dates: dict[str, object] = {}
        self.options: dict[str, str] = {}
        for loc in locale_elements:
            self._add(loc)
        self.punctuation_in_quote = self.options.get("punctuation-in-quote") == "true"
        self.limit_day_ordinals = self.options.get("limit-day-ordinals-to-day-1") == "true"
        self._cache: dict = {}
        self.quotes = (self.term("open-quote") or "\u201c", self.term("close-quote") or "\u201d",
                       self.term("open-inner-quote") or "\u2018", self.term("close-inner-quote") or "\u2019")

    def _add(self, loc) -> None:
        for opts in loc.findall(f"{{{CSL_NS}}}style-options"):
            for k, v in opts.attrib.items():
                self.options.setdefault(k, v)
        for date in loc.findall(f"{{{CSL_NS}}}date"):
            self.dates.setdefault(date.get("form"), date)
        for terms in loc.findall(f"{{{CSL_NS}}}terms"):
            for t in terms.findall(f"{{{CSL_NS}}}term"):
                name = t.get("name")
                form = t.get("form", "long")
                gender = t.get("gender")
                gender_form = t.get("gender-form")
                match = t.get("match")
                single = t.find(f"{{{CSL_NS}}}single")
                multiple = t.find(f"{{{CSL_NS}}}multiple")
                lst = self.terms.setdefault(name, [])
                if single is not None or multiple is not None:
                    lst.append(Term(form, "single", gender, gender_form, match, _text(single)))
                    lst.append(Term(form, "multiple", gender, gender_form, match, _text(multiple)))
                else:
                    lst.append(Term(form, None, gender, gender_form, match, t.text or ""))

    def lookup(self, name: str, form: str = "long", number: str | None = None, gender_form=None,
               match_filter=None) -> list[Term]:
        """Matching terms, best first (no fallback between forms)."""
        out = []
        for t in self.terms.get(name, ()):
            if t.form != form:
                continue
            if number is not None and t.number is not None and t.number != number:
                continue
            if gender_form is not None and t.gender_form is not None and t.gender_form != gender_form:
                continue
            if match_filter is not None and not match_filter(t.match):
                continue
            out.append(t)
        return out

    def term(self, name: str, form: str = "long", plural: bool | None = None) -> str | None:
        """A term's text, falling back verb-short → verb → long and symbol → short → long."""
        key = (name, form, plural)
        hit = self._cache.get(key, False)
        if hit is not False:
            return hit
        number = None if plural is None else ("multiple" if plural else "single")
        f = form
        result = None
        while True:
            found = self.lookup(name, f, number)
            if found:
                result = found[0].text or None  # an empty term prints nothing
                break
            if f == "verb-short":
                f = "verb"
            elif f == "symbol":
                f = "short"
            elif f in ("verb", "short"):
                f = "long"
            else:
                break
        self._cache[key] = result
        return result

    def has_term(self, name: str, form: str = "long") -> bool:
        return bool(self.terms.get(name)) and self.term(name, form) is not None


def build_locale(style_root, lang: str | None, parse_locale_file) -> Locale:
    """Merge the style's in-style locales with the bundled locale file for *lang*.

    *parse_locale_file(path)* parses a locale file with the engine's element classes.
    """
    lang = lang or style_root.get("default-locale") or "en-US"
    base = lang.split("-")[0]
    primary = PRIMARY_DIALECTS.get(base)
    in_style = style_root.findall(f"{{{CSL_NS}}}locale")
    chosen = []

    def add(pred):
        for loc in in_style:
            if loc not in chosen and pred(loc.get(XML_LANG)):
                chosen.append(loc)

    add(lambda l: l == lang)
    if primary and primary != lang:
        add(lambda l: l == primary)
    add(lambda l: l is not None and "-" not in l and l == base)
    add(lambda l: l is None)
    path = locale_file(lang) or locale_file("en-US")
    chosen.append(parse_locale_file(path))
    return Locale(lang, chosen)
