"""``cs:label``.

Repairs: **labels printed for empty variables** -- citeproc-py prints the
term even when the variable is missing (", edition", "pp." with no pages);
a label here renders only when its variable has a value. Also: the plural is
decided from the value (``12-19`` and ``3, 5`` are plural, ``\\-`` escapes
are not), ``number-of-volumes``/``number-of-pages`` above one are plural, the
locator's own label is used (``chap.``, ``sec.``), and a label ending in a
period does not double the period of a ``suffix=". "``.
"""

from __future__ import annotations

from citeproc import model

from ..output import formatted, literal
from ..references import Name, value_text
from .base import SUBSTITUTED, Node
from .numbers import split_nums


def _plural_from_text(var: str, t: str) -> bool:
    if var.startswith("number-of-") and t.strip() not in ("1", "0"):
        try:
            return int(t.strip()) > 1
        except ValueError:
            return True
    if len(split_nums(t)) <= 1:
        return False
    if "\\-" in t:
        return False
    return True


def label_term(ctx, var: str, form: str, plural_opt: str, termname: str, value):
    if plural_opt == "always":
        plural = True
    elif plural_opt == "never":
        plural = False
    elif isinstance(value, list) and value and isinstance(value[0], Name):
        plural = len(value) > 1
    elif isinstance(value, int):
        plural = var.startswith("number-of-") and value > 1
    else:
        plural = _plural_from_text(var, value_text(value))
    t = ctx.locale.term(termname, form, plural)
    return literal(t) if t else None


def eval_label(ctx, var: str, form: str, plural_opt: str, fmt):
    loc, lab = ctx.locator, ctx.label
    term = None
    if var == "locator":
        if loc is not None:
            if lab:
                term = label_term(ctx, var, form, plural_opt, lab, loc)
            elif loc[:1].isspace():
                term = None
            elif loc.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ").startswith(". "):
                term = None
            else:
                term = label_term(ctx, var, form, plural_opt, "page", loc)
    elif var == "page" and loc is not None and ctx.vars.get("page") is not None:
        term = label_term(ctx, var, form, plural_opt, "page", loc)
    else:
        lookup_var = "editor" if var == "editortranslator" else var
        value = ctx.lookup(lookup_var)
        if value is not None and value is not SUBSTITUTED:
            term = label_term(ctx, var, form, plural_opt, var, value)
    if term is None:
        return None
    suffix = fmt.suffix
    if suffix and suffix.startswith(".") and not fmt.strip_periods and term.rich and \
            value_text(term.rich).endswith("."):
        fmt = fmt.copy(suffix=suffix[1:] or None)
    out = formatted(fmt, [term])
    if var == "locator" and out is not None:
        from ..output import Tagged

        out = Tagged(("locator",), out)
    return out


class Label(Node, model.Label):
    def prep(self, engine):
        super().prep(engine)
        self.variable = self.get("variable", "")
        self.form = self.get("form", "long")
        self.plural = self.get("plural", "contextual")

    def ev(self, ctx):
        return eval_label(ctx, self.variable, self.form, self.plural, self.fmt)
