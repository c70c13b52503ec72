"""``cs:date`` and ``cs:date-part``.

Repairs: **date-part delimiters** -- citeproc-py joins localized date parts
with the style's delimiter instead of the locale's date-part affixes, loses
the suffix rules when a range collapses (``May 1–3, 2000``, ``2000–2001``),
and mishandles seasons, open ranges, BC/AD years and literal dates. The
year suffix of a disambiguated author-date citation is attached to the first
date rendered.
"""

from __future__ import annotations

from citeproc import model

from ..output import Formatted, Formatting, Literal, Tagged, formatted
from ..references import Date as DateValue
from .base import Node
from .numbers import ordinal
from .text import year_suffix

_ORDER = {"year": 0, "month": 1, "day": 2}


class DP:
    __slots__ = ("name", "form", "range_delimiter", "fmt")

    def __init__(self, name, form, range_delimiter, fmt):
        self.name = name
        self.form = form
        self.range_delimiter = range_delimiter
        self.fmt = fmt


class Date_Part(Node, model.Date_Part):
    def prep(self, engine):
        super().prep(engine)
        name = self.get("name", "year")
        form = self.get("form") or ("numeric" if name == "day" else "long")
        self.dp = DP(name, form, self.get("range-delimiter", "\u2013"), self.fmt)


def _bind(parts):
    return (parts[0] if len(parts) > 0 else None, parts[1] if len(parts) > 1 else None,
            parts[2] if len(parts) > 2 else None)


def eval_date_part(ctx, ymd, dp: DP):
    y, m, d = ymd
    n = {"year": y, "month": m, "day": d}[dp.name]
    if n is None:
        return None
    if n == 0 and dp.name == "year":
        return Literal([])  # open date range
    suffix = []
    if dp.name == "year":
        if n < 0:
            t = ctx.locale.term("bc")
            if t:
                suffix.append(Literal([t]))
        elif 0 < n < 1000:
            t = ctx.locale.term("ad")
            if t:
                suffix.append(Literal([t]))
    a = abs(n)

    def lit(s):
        return Literal([s])

    form = dp.form
    if form == "numeric":
        out = lit(str(n))
    elif form == "numeric-leading-zeros":
        out = lit(f"{a:02d}")
    elif form == "ordinal":
        if ctx.locale.limit_day_ordinals and a != 1:
            out = lit(str(a))
        else:
            out = Literal([ordinal(ctx.locale, a)]) if a else lit("0")
    else:
        if dp.name == "month":
            term_form = "short" if form == "short" else "long"
            if n <= 0:
                return None
            if a <= 12:
                name = f"month-{a:02d}"
            elif a <= 16:
                name = f"season-{a - 12:02d}"
            elif a <= 20:
                name = f"season-{a - 16:02d}"
            else:
                name = f"season-{a - 20:02d}"
            t = ctx.locale.term(name, term_form)
            out = Literal([t]) if t else None
        elif dp.name == "year" and form == "short":
            out = lit(str(a)[-2:])
        else:
            out = lit(str(a))
    return formatted(dp.fmt, [out] + suffix)


def _remove_last_suffix(xs):
    if xs and type(xs[-1]) is Formatted:
        f = xs[-1]
        xs = xs[:-1] + [Formatted(f.fmt.copy(suffix=None), f.children)]
    return xs


def _remove_first_prefix(xs):
    if xs and type(xs[0]) is Formatted:
        f = xs[0]
        xs = [Formatted(f.fmt.copy(prefix=None), f.children)] + xs[1:]
    return xs


def format_date_parts(ctx, dps, date, next_date):
    ymd = _bind(date)
    if next_date is None:
        return [eval_date_part(ctx, ymd, dp) for dp in dps]
    nymd = _bind(next_date)
    index = {"year": 0, "month": 1, "day": 2}
    same = []
    for name in sorted((dp.name for dp in dps), key=_ORDER.get):
        if ymd[index[name]] == nymd[index[name]]:
            same.append(name)
        else:
            break
    k = 0
    while k < len(dps) and dps[k].name in same:
        k += 1
    sames1, rest = dps[:k], dps[k:]
    k = 0
    while k < len(rest) and rest[k].name not in same:
        k += 1
    diffs, sames2 = rest[:k], rest[k:]

    def clean(xs):
        return [x for x in xs if x is not None]

    s1 = clean([eval_date_part(ctx, ymd, dp) for dp in sames1])
    dl = clean([eval_date_part(ctx, ymd, dp) for dp in diffs])
    dr = clean([eval_date_part(ctx, nymd, dp) for dp in diffs])
    s2 = clean([eval_date_part(ctx, ymd, dp) for dp in sames2])
    left, right = _remove_last_suffix(dl), _remove_first_prefix(dr)
    if diffs and left:
        first = sorted(diffs, key=lambda dp: _ORDER[dp.name])[0]
        middle = left[:-1] + [Formatted(Formatting(delimiter=first.range_delimiter),
                                        [left[-1], right[0] if right else Literal([])])] + right[1:]
    else:
        middle = left + right
    return _remove_last_suffix(s1 + middle + s2)


class Date(Node, model.Date):
    def prep(self, engine):
        super().prep(engine)
        self.variable = self.get("variable", "")
        self.form = self.get("form")
        self.show = self.get("date-parts")
        self.dps = [k.dp for k in self.kids if isinstance(k, Date_Part)]
        # formatting of a date never carries the delimiter to its parts' children
        self.kids = []

    def _parts(self, ctx):
        if self.form is None:
            return self.dps, self.fmt
        loc = ctx.locale.dates.get(self.form)
        if loc is None:
            return self.dps, self.fmt
        out = []
        for ldp in loc.dps:
            x = next((dp for dp in self.dps if dp.name == ldp.name), None)
            if x is not None:
                out.append(DP(x.name, x.form, x.range_delimiter, ldp.fmt.combine(x.fmt)))
            else:
                out.append(ldp)
        if self.show == "year":
            out = [dp for dp in out if dp.name == "year"]
        elif self.show == "year-month":
            out = [dp for dp in out if dp.name in ("year", "month")]
        return out, self.fmt.combine(loc.fmt)

    def ev(self, ctx):
        if not self.variable:
            return None
        val = ctx.ask(self.variable)
        if val is None or not isinstance(val, DateValue):
            return None
        dps, fmt = self._parts(ctx)
        if val.literal is not None and not val.parts:
            return formatted(fmt, [Literal([val.literal])])
        parts = [list(p) for p in val.parts if p is not None]
        if val.season is not None and len(parts) == 1 and len(parts[0]) == 1:
            parts = [[parts[0][0], 12 + val.season]]
        if not parts:
            xs = []
        elif len(parts) == 1 or not parts[1]:
            xs = format_date_parts(ctx, dps, parts[0], None if len(parts) == 1 else [0])
        else:
            xs = format_date_parts(ctx, dps, parts[0], parts[1])
        if all(x is None for x in xs):
            ctx.count(0, -1)
        ys = year_suffix(ctx)
        return Tagged(("date", val), formatted(fmt, xs + [ys]))
