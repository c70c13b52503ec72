"""Numbers, ordinals and page ranges.

Repairs: **page-range-format for pages and locators** -- citeproc-py applies
``page-range-format`` only to the ``page`` variable and gets ``chicago``
wrong (``321–28`` style rules, ``chicago-16``), never to a page locator, and
does not use the locale's ``page-range-delimiter``; ordinals with
``match``/gender rules and numbers with affixes (``2E``) are mishandled.
"""

from __future__ import annotations

import functools
import re

from citeproc import model

from ..output import Formatting, Literal, formatted, grouped, literal
from ..references import value_text
from .base import Node, with_formatting

EN_DASH = "\u2013"


def _common_prefix_rest(x: str, y: str) -> str:
    i = 0
    while i < len(x) and i < len(y) and x[i] == y[i]:
        i += 1
    return y[i:]


def format_page_range(fmt: str | None, delim: str, t: str):
    """One range ``12-19`` in the style's page-range-format (None: as given, en dash)."""

    def in_range(pref, xs):
        parts = [literal(pref)] if pref else []
        for k, x in enumerate(xs):
            if k:
                parts.append(literal(delim))
            parts.append(literal(x))
        return grouped(parts)

    if "\\-" in t:
        parts = [t.replace("\\-", "-")]
    else:
        parts = [p.strip() for p in re.split("[-\u2013]", t)]
    if not parts:
        return None
    if len(parts) == 1:
        return literal(parts[0])
    if len(parts) != 2:
        return literal(t)
    w, v = parts
    if fmt is None:
        return in_range("", [w, v])
    w_pref = w.rstrip("0123456789")
    v_pref = v.rstrip("0123456789")
    if not (w_pref == v_pref or not v_pref):
        return in_range("", [w, v])
    pref = w_pref
    x = w[len(w_pref):]
    y = v[len(v_pref):]
    if len(y) > len(x) and fmt != "expanded":
        return in_range(pref, [x, y])  # "12991–123001" is not a range to shorten
    if len(y) < len(x):
        y = x[:len(x) - len(y)] + y

    def minimal(threshold):
        rest = _common_prefix_rest(x, y)
        if len(rest) < threshold and len(y) >= threshold:
            return in_range(pref, [x, y[-threshold:]])
        return in_range(pref, [x, rest])

    if fmt in ("chicago", "chicago-15", "chicago-16"):
        if len(x) < 3:
            return in_range(pref, [x, y])
        if x.endswith("00"):
            return in_range(pref, [x, y])
        if x[-2:-1] == "0":
            return minimal(1)
        if fmt in ("chicago", "chicago-15") and len(x) == 4:
            changed = sum(1 for a, b in zip(x + " " * len(y), y) if a != b)
            if changed >= 3:
                return in_range(pref, [x, y])
        return minimal(2)
    if fmt == "expanded":
        return in_range("", [pref + x, pref + y])
    if fmt == "minimal":
        return minimal(1)
    if fmt == "minimal-two":
        return minimal(2)
    return in_range("", [w, v])


def page_range(ctx, text: str):
    """All ranges of a page value (``12-19, 23-31``) with the locale's range delimiter."""
    delim = ctx.locale.term("page-range-delimiter") or EN_DASH
    fmt = ctx.engine.page_range_format
    chunks = [c.strip() for c in re.split(r"([,&])", text)]
    parts = [literal(c) if c in (",", "&") else format_page_range(fmt, delim, c) for c in chunks if c]
    return formatted(Formatting(delimiter=" "), parts)


def _is_sep(c):
    return c in ",;-\u2013"


@functools.lru_cache(maxsize=4096)
def _split_nums(t: str) -> tuple:
    return tuple(_split_nums_uncached(t))


def split_nums(t: str) -> list:
    return list(_split_nums(t))


def _split_nums_uncached(t: str) -> list:
    """Split ``2, 4-5`` into numbers and separators (numbers with affixes stay text)."""
    out = []
    i, n = 0, len(t)
    while i < n:
        sep = _is_sep(t[i]) or t[i].isspace()
        j = i + 1
        while j < n and (_is_sep(t[j]) or t[j].isspace()) == sep:
            j += 1
        chunk = t[i:j]
        out.append(int(chunk) if re.fullmatch(r"-?\d+", chunk) else (EN_DASH if chunk == "-" else chunk))
        i = j
    return out


def to_roman(x: int) -> str:
    if x >= 4000 or x < 0:
        return str(x)
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50),
                ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = []
    for s, v in numerals:
        while x >= v:
            out.append(s)
            x -= v
    return "".join(out)


def ordinal(locale, i: int) -> str:
    dec = str(i)
    two = locale.lookup(f"ordinal-{i % 100:02d}", "long",
                        match_filter=(lambda m: m != "whole-number") if i > 99 else None)
    if two:
        return dec + two[0].text
    one = locale.lookup(f"ordinal-{i % 10:02d}", "long",
                        match_filter=(lambda m: m in (None, "last-digit")) if i > 10 else None)
    if one:
        return dec + one[0].text
    fallback = locale.lookup("ordinal", "long")
    if fallback:
        return dec + fallback[0].text
    return dec


def eval_number(ctx, form: str, v):
    if isinstance(v, int):
        if form == "ordinal":
            return Literal([ordinal(ctx.locale, v)])
        if form == "long-ordinal":
            if 1 <= v <= 10:
                t = ctx.locale.lookup(f"long-ordinal-{v:02d}", "long")
                if t:
                    return Literal([t[0].text])
            return Literal([ordinal(ctx.locale, v)])
        if form == "roman":
            return Literal([to_roman(v)])
        return Literal([str(v)])
    return literal(v)


class Number(Node, model.Number):
    def prep(self, engine):
        super().prep(engine)
        self.variable = self.get("variable", "")
        self.form = self.get("form", "numeric")

    def ev(self, ctx):
        v = ctx.ask(self.variable)
        if v is None:
            parts = []
        elif isinstance(v, int):
            parts = [v]
        else:
            parts = split_nums(value_text(v))
        out = grouped([eval_number(ctx, self.form, p) for p in parts])
        return with_formatting(ctx, self.fmt, out)
