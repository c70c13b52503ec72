"""``cs:group`` and ``cs:choose``.

Repairs: **disambiguate="true"** -- citeproc-py ignores the attribute, so a
condition ``<if disambiguate="true">`` always passes and, e.g., Chicago adds a
title to every short note; here it passes only for cites that the
disambiguation step could not tell apart otherwise. Also: group suppression
counts the variables actually looked up (CSL 1.0.2), ``match="any|all|none"``
applies to every test, ``is-numeric`` accepts ranges and lists (``2-4``,
``2, 4``), ``locator="…"`` tests the locator's label, and ``position`` uses
the positions computed over the whole document (see :mod:`.positions`).
"""

from __future__ import annotations

import re

from citeproc import model

from ..references import Date, Name, value_text
from ..output import grouped
from .base import Node, eval_children
from .text import eval_group


_NUMERIC_CHUNK = re.compile(r"^[^\W\d_]*\d+[^\W\d_]*$")


def is_numeric_text(t: str) -> bool:
    """CSL's is-numeric: numbers with letter affixes ("2", "2b", "L2d"), joined by , - & (with spaces)."""
    chunks = re.split(r"\s*[,\-&\u2013]\s*", t.strip())
    return bool(chunks) and all(_NUMERIC_CHUNK.match(c) for c in chunks)


def has_value(val) -> bool:
    if val is None:
        return False
    if isinstance(val, str):
        return bool(val)
    if isinstance(val, list):
        if val and isinstance(val[0], Name):
            return True
        return bool(value_text(val))
    return True


class Group(Node, model.Group):
    def ev(self, ctx):
        return eval_group(ctx, self.fmt, self.kids)


class Choose(Node, model.Choose):
    transparent = True

    def ev_list(self, ctx) -> list:
        for branch in self.kids:
            if branch.test(ctx):
                return eval_children(ctx, branch.kids)
        return []

    def ev(self, ctx):
        return grouped(self.ev_list(ctx))


class If(Node, model.If):
    def prep(self, engine):
        super().prep(engine)
        conds = []
        a = self.attrib
        if a.get("disambiguate") == "true":
            conds.append(("disambiguate", None))
        for key in ("is-numeric", "is-uncertain-date", "locator", "position", "type", "variable"):
            if key in a:
                for v in a[key].split():
                    conds.append((key, v))
        self.conds = conds
        self.match = a.get("match", "all")

        self.preds = [_compile(k, v) for k, v in conds]
        # type tests under match="any" collapse into one set lookup
        if self.match == "any":
            types = frozenset(v for k, v in conds if k == "type")
            if len(types) > 1:
                others = [_compile(k, v) for k, v in conds if k != "type"]
                self.preds = [lambda ctx, t=types: ctx.ref.type in t] + others
        preds = self.preds
        if not preds:
            self.test = _always if self.match != "none" else _always
        elif self.match == "any":
            self.test = lambda ctx: any(p(ctx) for p in preds)
        elif self.match == "none":
            self.test = lambda ctx: not any(p(ctx) for p in preds)
        elif len(preds) == 1:
            self.test = preds[0]
        else:
            self.test = lambda ctx: all(p(ctx) for p in preds)


def _always(ctx) -> bool:
    return True


def _compile(kind, v):
    """One CSL condition as a function of the evaluation context."""
    if kind == "variable":
        if v == "locator":
            return lambda ctx: ctx.locator is not None
        return lambda ctx: has_value(ctx.vars.get(v) if v not in ("id", "type") else ctx.lookup(v))
    if kind == "type":
        return lambda ctx: ctx.ref.type == v
    if kind == "position":
        return lambda ctx: v in ctx.positions
    if kind == "is-numeric":
        def is_numeric(ctx):
            val = ctx.locator if v == "locator" else ctx.lookup(v)
            if isinstance(val, int):
                return True
            if val is None or isinstance(val, Date):
                return False
            return is_numeric_text(value_text(val))
        return is_numeric
    if kind == "locator":
        def locator_is(ctx):
            if ctx.locator is None:
                return False  # no locator, no locator type
            lab = ctx.label
            if lab == "sub verbo" or lab == "sub-verbo":
                return v == "sub-verbo"
            if lab is not None:
                return lab == v
            return v == "page"
        return locator_is
    if kind == "is-uncertain-date":
        def uncertain(ctx):
            val = ctx.lookup(v)
            return isinstance(val, Date) and val.circa
        return uncertain
    if kind == "disambiguate":
        return lambda ctx: ctx.disamb.condition
    return lambda ctx: False


class Else_If(If, model.Else_If):
    pass


class Else(If, model.Else):
    pass
