"""The output tree the CSL elements evaluate to, and its rendering to rich text.

citeproc-py formats each element straight into a string, so later steps
(disambiguation, cite collapsing, suppress-author, note capitalisation) have
nothing to look at but text, and affixes and delimiters are glued together
without looking at the punctuation on either side. Our elements return a small
tree instead -- ``Literal`` text, ``Formatted`` groups carrying the CSL
formatting attributes, ``Tagged`` nodes marking names, dates, year suffixes,
citation numbers and whole cites -- and the tree is rendered once, at the end,
the way the reference processor does it:

* delimiters are not inserted before a piece that starts with ``, ; .``;
* adjacent punctuation from affixes, delimiters and content is merged by one
  table (``..`` → ``.``, ``?.`` → ``?``, ``, .`` → ``.`` …: :func:`fix_punct`);
* formatting is applied in the CSL order (strip-periods, font-style, text-case,
  font-variant, font-weight, decoration, vertical-align, quotes, affixes,
  display); quotes are kept as structure so nested ones flip at render time.
"""

from __future__ import annotations

import unicodedata

from .richtext import (Span, case_transform, drop_while, drop_while_end, first_char, has_text, is_empty,
                       last_char, map_text, parse_markup, text_of)


_FIELDS = ("font_style", "font_variant", "font_weight", "text_decoration", "vertical_align",
           "prefix", "suffix", "display", "text_case", "delimiter", "strip_periods", "quotes",
           "affixes_inside")


class Formatting:
    __slots__ = _FIELDS + ("_empty",)

    def __init__(self, font_style=None, font_variant=None, font_weight=None, text_decoration=None,
                 vertical_align=None, prefix=None, suffix=None, display=None, text_case=None,
                 delimiter=None, strip_periods=False, quotes=False, affixes_inside=False):
        self.font_style = font_style
        self.font_variant = font_variant
        self.font_weight = font_weight
        self.text_decoration = text_decoration
        self.vertical_align = vertical_align
        self.prefix = prefix
        self.suffix = suffix
        self.display = display
        self.text_case = text_case
        self.delimiter = delimiter
        self.strip_periods = strip_periods
        self.quotes = quotes
        self.affixes_inside = affixes_inside
        self._empty = None

    @classmethod
    def from_attrib(cls, attrib) -> "Formatting":
        get = attrib.get
        return cls(font_style=get("font-style"), font_variant=get("font-variant"),
                   font_weight=get("font-weight"), text_decoration=get("text-decoration"),
                   vertical_align=get("vertical-align"), prefix=get("prefix"), suffix=get("suffix"),
                   display=get("display"), text_case=get("text-case"), delimiter=get("delimiter"),
                   strip_periods=get("strip-periods") == "true", quotes=get("quotes") == "true")

    def copy(self, **changes) -> "Formatting":
        f = Formatting.__new__(Formatting)
        for name in _FIELDS:
            setattr(f, name, changes[name] if name in changes else getattr(self, name))
        f._empty = None
        return f

    def combine(self, other: "Formatting") -> "Formatting":
        """Fields of *self*, falling back to *other* (left-biased union)."""
        f = Formatting.__new__(Formatting)
        f._empty = None
        for name in _FIELDS:
            a = getattr(self, name)
            b = getattr(other, name)
            if name in ("strip_periods", "quotes", "affixes_inside"):
                setattr(f, name, a or b)
            else:
                setattr(f, name, a if a is not None else b)
        return f

    def only_delimiter(self) -> bool:
        return all(not getattr(self, n) for n in _FIELDS if n != "delimiter")

    def is_empty(self) -> bool:
        e = self._empty
        if e is None:
            e = self._empty = not any(getattr(self, n) for n in _FIELDS)
        return e

    def __eq__(self, other):
        return isinstance(other, Formatting) and all(getattr(self, n) == getattr(other, n) for n in _FIELDS)

    def __repr__(self):
        parts = [f"{n}={getattr(self, n)!r}" for n in _FIELDS if getattr(self, n)]
        return f"Formatting({', '.join(parts)})"


EMPTY_FORMATTING = Formatting()


class Literal:
    __slots__ = ("rich",)

    def __init__(self, rich):
        self.rich = [rich] if isinstance(rich, str) else rich

    def __repr__(self):
        return f"Literal({self.rich!r})"


class Formatted:
    __slots__ = ("fmt", "children")

    def __init__(self, fmt: Formatting, children: list):
        self.fmt = fmt
        self.children = children

    def __repr__(self):
        return f"Formatted({self.fmt!r}, {self.children!r})"


class Tagged:
    """A marked piece of output: ``tag`` is a tuple whose first item names the kind.

    ('term',) ('citation-number', n) ('item', mode, key) ('name', name)
    ('names', variable, names_format, names) ('date', date) ('year-suffix', n)
    ('locator',) ('title',)
    """

    __slots__ = ("tag", "child")

    def __init__(self, tag: tuple, child):
        self.tag = tag
        self.child = child

    def __repr__(self):
        return f"Tagged({self.tag[0]!r}, {self.child!r})"


class Linked:
    __slots__ = ("url", "children")

    def __init__(self, url: str, children: list):
        self.url = url
        self.children = children


class InNote:
    __slots__ = ("child",)

    def __init__(self, child):
        self.child = child


def literal(text: str) -> Literal | None:
    return Literal([text]) if text else None


def formatted(fmt: Formatting, children: list):
    """A Formatted node, without empty children; None when nothing is left."""
    xs = [c for c in children if c is not None]
    if not xs:
        return None
    if len(xs) == 1:
        e = fmt._empty
        if e is None:
            e = fmt.is_empty()
        if e:
            return xs[0]
    return Formatted(fmt, xs)


def grouped(children: list):
    return formatted(EMPTY_FORMATTING, children)


def walk(node):
    """Every node of an output tree (pre-order)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n is None:
            continue
        yield n
        t = type(n)
        if t is Formatted or t is Linked:
            stack.extend(reversed(n.children))
        elif t is Tagged or t is InNote:
            stack.append(n.child)


def outermost(node, pred):
    """The outermost nodes satisfying *pred* (not descending into them)."""
    stack = [node]
    out = []
    while stack:
        n = stack.pop()
        if n is None:
            continue
        if pred(n):
            out.append(n)
            continue
        t = type(n)
        if t is Formatted or t is Linked:
            stack.extend(reversed(n.children))
        elif t is Tagged or t is InNote:
            stack.append(n.child)
    return out


def transform(node, fn):
    """Bottom-up rewrite of an output tree with *fn* (which may return None)."""
    if node is None:
        return None
    t = type(node)
    if t is Formatted:
        node = Formatted(node.fmt, [transform(c, fn) for c in node.children])
    elif t is Linked:
        node = Linked(node.url, [transform(c, fn) for c in node.children])
    elif t is Tagged:
        node = Tagged(node.tag, transform(node.child, fn))
    elif t is InNote:
        node = InNote(transform(node.child, fn))
    return fn(node)


def output_text(node) -> str:
    """Plain text of an output tree (outputToText: pieces joined by spaces)."""
    if node is None:
        return ""
    t = type(node)
    if t is Literal:
        return text_of(node.rich)
    if t is Tagged or t is InNote:
        return output_text(node.child)
    return " ".join(output_text(c) for c in node.children)


# ---------------------------------------------------------------------------
# Rendering

_KEEP_FIRST, _KEEP_SECOND, _KEEP_BOTH = 1, 2, 3
_PUNCT_RULES = {
    ("!", "."): 1, ("!", "?"): 3, ("!", ":"): 1, ("!", ","): 3, ("!", ";"): 3,
    ("?", "!"): 3, ("?", "."): 1, ("?", ":"): 1, ("?", ","): 3, ("?", ";"): 3,
    (".", "!"): 3, (".", "?"): 3, (".", ":"): 3, (".", ","): 3, (".", ";"): 3,
    (":", "!"): 2, (":", "?"): 2, (":", "."): 1, (":", ","): 3, (":", ";"): 3,
    (",", "!"): 3, (",", "?"): 3, (",", ":"): 3, (",", "."): 3, (",", ";"): 3,
    (";", "!"): 2, (";", "?"): 2, (";", ":"): 1, (";", "."): 1, (";", ","): 3,
    ("!", "!"): 1, ("?", "?"): 1, (".", "."): 1, (":", ":"): 1, (";", ";"): 1, (",", ","): 1,
    (" ", " "): 2, (" ", ","): 2, (" ", "."): 2,
}


def _quote_like(c: str) -> bool:
    return c in "\"'" or unicodedata.category(c) == "Pf"


def _terminal_before_quote(t: str) -> str:
    trimmed = t.rstrip()
    if trimmed and _quote_like(trimmed[-1]):
        rest = trimmed
        while rest and (rest[-1].isspace() or _quote_like(rest[-1])):
            rest = rest[:-1]
        return rest[-1:] if rest else ""
    return ""


def fix_punct(xs: list) -> list:
    """Merge the punctuation where adjacent rendered pieces meet (the reference table)."""
    if len(xs) < 2:
        return xs
    out = []
    xs = list(xs)
    i = 0
    while i + 1 < len(xs):
        x, y = xs[i], xs[i + 1]
        y_start = first_char(y) or "\ufffd"
        x_last = last_char(x) or "\ufffd"
        x_end = x_last
        if y_start == ".":
            t = _terminal_before_quote(text_of(x))
            if t:
                x_end = t
        rule = _PUNCT_RULES.get((x_end, y_start), _KEEP_BOTH)
        if rule == _KEEP_FIRST:
            y2 = drop_while(y, lambda c, s=y_start: c == s)
            if y2 == y:
                out.append(x)
                i += 1
            else:
                xs[i + 1] = y2
        elif rule == _KEEP_SECOND:
            x2 = drop_while_end(x, lambda c, e=x_end: c == e)
            if x2 == x:
                out.append(x)
                i += 1
            else:
                xs[i] = x2
        else:
            out.append(x)
            i += 1
    out.extend(xs[i:])
    return out


def add_delimiters(delim: list, xs: list) -> list:
    if not delim or len(xs) < 2:
        return xs
    out = [xs[0]]
    for a in xs[1:]:
        if first_char(a) not in (",", ";", "."):
            out.append(delim)
        out.append(a)
    return out


def _concat(xs: list) -> list:
    out: list = []
    for x in xs:
        out.extend(x)
    return out


class Renderer:
    """Renders output trees; holds the locale's quotation marks for affix parsing."""

    def __init__(self, quotes, link_urls: bool = True):
        self.quotes = quotes
        self.link_urls = link_urls
        self._affix_cache: dict[str, list] = {}

    def affix(self, s: str) -> list:
        r = self._affix_cache.get(s)
        if r is None:
            r = self._affix_cache[s] = parse_markup(s, self.quotes)
        return r

    def render(self, node) -> list:
        if node is None:
            return []
        t = type(node)
        if t is Literal:
            return node.rich
        if t is Tagged:
            return self.render(node.child)
        if t is Formatted:
            xs = []
            for c in node.children:
                if c is None:
                    continue
                r = self.render(c)
                if r and has_text(r):
                    xs.append(r)
            if not xs:
                return []
            fmt = node.fmt
            if fmt.delimiter and len(xs) > 1:
                xs = add_delimiters([fmt.delimiter], xs)
            if len(xs) > 1:
                xs = _concat(fix_punct(xs))
            else:
                xs = xs[0]
            if fmt.is_empty():
                return xs
            return self.add_formatting(fmt, xs)
        if t is Linked:
            xs = [r for r in (self.render(c) for c in node.children) if has_text(r)]
            inner = _concat(fix_punct(xs))
            return [Span("link", inner, node.url)] if self.link_urls and inner else inner
        if t is InNote:
            r = self.render(node.child)
            r = drop_while(r, lambda c: c in ",;.:")
            return drop_while(r, str.isspace)
        raise TypeError(f"not an output node: {node!r}")

    def add_formatting(self, f: Formatting, x: list) -> list:
        if not has_text(x):
            return []
        if f.strip_periods:
            x = map_text(x, lambda s: s.replace(".", ""))
        if f.affixes_inside:
            x = self._affixes(f, x)
        fs = f.font_style
        if fs == "italic" or fs == "oblique":
            x = [Span("i", x)]
        elif fs == "normal":
            x = [Span("normal", x)]
        if f.text_case:
            x = case_transform(x, f.text_case)
        if f.font_variant == "small-caps":
            x = [Span("sc", x)]
        if f.font_weight == "bold":
            x = [Span("b", x)]
        td = f.text_decoration
        if td == "underline":
            x = [Span("u", x)]
        elif td == "none":
            x = [Span("nodecor", x)]
        va = f.vertical_align
        if va in ("sup", "sub", "baseline"):
            x = [Span(va, x)]
        if f.quotes:
            x = [Span("q", x)]
        if not f.affixes_inside:
            x = self._affixes(f, x)
        if f.display:
            x = [Span("div", x, f.display)]
        return x

    def _affixes(self, f: Formatting, x: list) -> list:
        if f.prefix:
            x = _concat(fix_punct([self.affix(f.prefix), x]))
        if f.suffix:
            x = _concat(fix_punct([x, self.affix(f.suffix)]))
        return x
