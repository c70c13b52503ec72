"""``cs:text``: variables, macros, terms and values.

Repairs: **the first locator leaking into the bibliography** (citeproc-py
renders bibliography entries with the citation item that first cited the
work, locator included; here a bibliography entry has no locator),
**cs:substitute repeating editors** (a variable used as a substitute is
suppressed for the rest of the entry, as CSL requires), short forms falling
back to the long form, macros evaluated as implicit groups, and ``page`` and
page locators going through page-range formatting.
"""

from __future__ import annotations

from citeproc import model

from ..output import Literal, Tagged, formatted, grouped, literal
from ..references import value_text
from .base import Node, eval_children, value_output, with_formatting
from .numbers import EN_DASH, format_page_range, page_range


def show_year_suffix(x: int) -> str:
    if x < 27:
        return chr(ord("a") + x - 1)
    x1 = x - 1
    return chr(ord("a") - 1 + x1 // 26) + chr(ord("a") + x1 % 26)


def year_suffix(ctx):
    """The year suffix for the first date of an entry, when the style does not place it itself."""
    n = ctx.disamb.year_suffix
    if n is not None and not ctx.engine.uses_year_suffix_variable and not ctx.used_year_suffix:
        ctx.used_year_suffix = True
        return Tagged(("year-suffix", n), Literal([show_year_suffix(n)]))
    return None


def eval_group(ctx, fmt, kids, is_macro=False):
    """A group (or macro call): suppressed when it looks up variables and all are empty.

    A non-empty macro counts as a non-empty variable for the group around it (CSL 1.0.2).
    """
    acc, non = ctx.accessed, ctx.nonempty
    xs = eval_children(ctx, kids)
    if is_macro and any(x is not None for x in xs):
        ctx.count(1, 1)
    if acc == ctx.accessed or ctx.nonempty > non:
        return formatted(fmt, xs)
    return None


def lookup_term(ctx, name: str, form: str = "long", plural=None):
    t = ctx.locale.term(name, form, plural)
    return literal(t) if t else None


class Text(Node, model.Text):
    def prep(self, engine):
        super().prep(engine)
        a = self.attrib
        self.variable = self.macro = self.term = self.value = None
        if "variable" in a:
            self.variable = a["variable"]
            self.short = a.get("form") == "short"
        elif "macro" in a:
            name = a["macro"]
            if name not in engine.macros:
                engine.style_error(f"the macro '{name}' is used but not defined")
            self.macro = engine.macros[name]
        elif "term" in a:
            self.term = a["term"]
            self.form = a.get("form", "long")
            p = a.get("plural")
            self.plural = True if p == "true" else False if p == "false" else None
        else:
            self.value = a.get("value", "")

    def uses_year_suffix(self) -> bool:
        return self.variable == "year-suffix"

    def ev(self, ctx):
        if self.macro is not None:
            return eval_group(ctx, self.fmt, self.macro.kids, is_macro=True)
        if self.variable is not None:
            out = self._variable(ctx)
        elif self.term is not None:
            out = lookup_term(ctx, self.term, self.form, self.plural)
            if self.term == "no date":
                out = grouped([out, year_suffix(ctx)])
            out = Tagged(("term",), out) if out is not None else None
        else:
            out = literal(self.value)
        if out is None:
            return None
        return with_formatting(ctx, self.fmt, out)

    def _variable(self, ctx):
        v = self.variable
        if v in ("id", "type"):
            ctx.count(1, 1)
            return literal(ctx.ref.id if v == "id" else ctx.ref.type)
        if v == "locator":
            loc = ctx.locator
            if loc is None:
                ctx.count(1, 0)
                return None
            ctx.count(1, 1)
            if "&" in loc:
                amp = ctx.locale.term("and", "symbol")
                if amp:
                    loc = loc.replace("&", amp)
            if ctx.label is None or ctx.label == "page":
                return Tagged(("locator",), page_range(ctx, loc))
            return Tagged(("locator",), format_page_range(None, EN_DASH, loc))
        if v == "year-suffix":
            n = ctx.disamb.year_suffix
            if n is None:
                return None
            return Tagged(("year-suffix", n), Literal([show_year_suffix(n)]))
        if v == "citation-number":
            n = ctx.ask("citation-number")
            if n is None:
                return None
            return Tagged(("citation-number", n), Literal([str(n)]))
        if self.short:
            val = ctx.ask(v + "-short")
            long_ = ctx.ask(v)
            if val is None:
                val = long_
        else:
            val = ctx.ask(v)
        if val is None:
            out = None
        elif v == "page":
            out = page_range(ctx, value_text(val))
        else:
            out = value_output(val)
            if v == "title" and out is not None:
                out = Tagged(("title",), out)
        if ctx.in_substitute:
            ctx.consume(v)
        return out
