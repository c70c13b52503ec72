"""``cs:names``, ``cs:name``, ``cs:et-al``, ``cs:name-part``, ``cs:substitute``.

Repairs:

* **initialize="false"** -- citeproc-py always reduces given names to
  initials when ``initialize-with`` is set; with ``initialize="false"`` the
  given names stay whole and only existing initials get the
  ``initialize-with`` punctuation (Chicago, MLA).
* **CJK names** -- 沈志华 (family 沈, given 志华) is written family first with
  no space and no comma, never initialized (citeproc-py: ``. 志华 . 沈``);
  names in Latin, Greek, Cyrillic … scripts keep the Western rules.
* **cs:substitute repeating editors** -- the substituted variable is consumed,
  and child ``cs:names`` inherit the parent's ``cs:name``/``cs:et-al``/label.
* particles (van, de, d'), suffixes (Jr.), ``demote-non-dropping-particle``,
  ``et-al-use-last``, ``et-al-subsequent-*``, ``delimiter-precedes-*``,
  ``and="symbol"``, ``form="count"``, editor-translator merging, and the
  name-level hints set by disambiguation (add initials / given names).
"""

from __future__ import annotations

import functools

from citeproc import model

from ..output import EMPTY_FORMATTING, Formatted, Formatting, InNote, Literal, Tagged, formatted, grouped, literal, walk
from ..references import Name as NameValue
from ..references import is_byzantine
from .base import Node, with_formatting
from .labels import Label, eval_label

INHERITABLE = ("and", "delimiter-precedes-et-al", "delimiter-precedes-last", "et-al-min", "et-al-use-first",
               "et-al-use-last", "et-al-subsequent-min", "et-al-subsequent-use-first", "initialize",
               "initialize-with", "name-as-sort-order", "sort-separator")


def inherited_name_attrs(*elements) -> dict:
    """Inheritable name options of cs:style, then cs:citation/cs:bibliography/cs:key (later wins)."""
    out: dict = {}
    for el in elements:
        if el is None:
            continue
        a = el.attrib
        for k in INHERITABLE:
            if k in a:
                out[k] = a[k]
        if "name-form" in a:
            out["form"] = a["name-form"]
        if "name-delimiter" in a:
            out["delimiter"] = a["name-delimiter"]
        if "names-delimiter" in a:
            out["names-delimiter"] = a["names-delimiter"]
        for src, dst in (("names-min", "et-al-min"), ("names-use-first", "et-al-use-first"),
                         ("names-use-last", "et-al-use-last")):
            if src in a:
                out[dst] = a[src]
    return out


def _int(v):
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


class NameFormat:
    __slots__ = ("given_fmt", "family_fmt", "and_", "delimiter", "dp_et_al", "dp_last", "et_al_min",
                 "et_al_use_first", "et_al_subsequent_min", "et_al_subsequent_use_first", "et_al_use_last",
                 "form", "initialize", "initialize_with", "name_as_sort_order", "sort_separator")

    def copy(self, **kw):
        n = NameFormat.__new__(NameFormat)
        for s in NameFormat.__slots__:
            setattr(n, s, kw[s] if s in kw else getattr(self, s))
        return n


def make_name_format(attrs: dict, given_fmt=None, family_fmt=None) -> NameFormat:
    n = NameFormat.__new__(NameFormat)
    n.given_fmt = given_fmt
    n.family_fmt = family_fmt
    n.and_ = attrs.get("and")
    n.delimiter = attrs.get("delimiter", ", ")
    n.dp_et_al = attrs.get("delimiter-precedes-et-al", "contextual")
    n.dp_last = attrs.get("delimiter-precedes-last", "contextual")
    n.et_al_min = _int(attrs.get("et-al-min"))
    n.et_al_use_first = _int(attrs.get("et-al-use-first"))
    n.et_al_subsequent_min = _int(attrs.get("et-al-subsequent-min"))
    n.et_al_subsequent_use_first = _int(attrs.get("et-al-subsequent-use-first"))
    n.et_al_use_last = attrs.get("et-al-use-last") == "true"
    n.form = attrs.get("form", "long")
    n.initialize = attrs.get("initialize") != "false"
    n.initialize_with = attrs.get("initialize-with")
    n.name_as_sort_order = attrs.get("name-as-sort-order")
    n.sort_separator = attrs.get("sort-separator", ", ")
    return n


# ---------------------------------------------------------------------------
# Initials


@functools.lru_cache(maxsize=4096)
def initialize(make_initials: bool, use_hyphen: bool, initialize_with: str, text: str) -> str:
    words = []  # (already_initial, text)
    cs: list[str] = []
    for c in text:
        if c == ".":
            if cs:
                words.append((True, "".join(cs)))
            cs = []
        elif c == "-":
            if cs:
                words.append((False, "".join(cs)))
            cs = ["-"]
        elif c == " ":
            if len(cs) == 1:
                words.append((True, cs[0]))
            elif cs:
                words.append((False, "".join(cs)))
            cs = []
        else:
            cs.append(c)
    if len(cs) == 1:
        words.append((True, cs[0]))
    elif cs:
        words.append((False, "".join(cs)))

    def add_suffix(t):
        return t + initialize_with if t else ""

    def to_initial(t):
        if t.startswith("-"):
            c = t[1:2]
            if c and c.isupper():
                return "-" + c.upper() if use_hyphen else c.upper()
            return ""
        c = t[:1]
        if c and c.isupper():
            d = t[1:2]
            rest = t[2:]
            if d and d.isupper() and rest and all(ch.islower() for ch in rest):
                return c + d.lower()
            return c
        return t

    out = []
    for initial, t in words:
        if initial:
            out.append(add_suffix(t))
        elif all(ch.islower() for ch in t):
            out.append(t + " " if initialize_with.endswith(" ") else " " + t + " ")
        elif make_initials:
            out.append(add_suffix(to_initial(t)))
        else:
            out.append(t + " ")
    return "".join(out).replace(" -", "-").strip()


# ---------------------------------------------------------------------------
# One name


def _ends_space(t):
    return bool(t) and t[-1].isspace()


def _begins_space(t):
    return bool(t) and t[0].isspace()


def _sp(x, y, byzantine: bool):
    if y is None:
        return x
    if x is None:
        return y
    t = type(x)
    if t is Literal:
        from ..richtext import text_of

        s = text_of(x.rich)
        if s and s[-1] in "\u2019'-\u2013":
            return formatted(EMPTY_FORMATTING, [x, y])
        if byzantine:
            return formatted(Formatting(delimiter=" "), [x, y])
        return formatted(EMPTY_FORMATTING, [x, y])
    if t is Formatted:
        d = None if _ends_space(x.fmt.suffix) else " "
        return formatted(Formatting(delimiter=d), [x, y])
    if t is Tagged or t is InNote:
        return _sp(x.child, y, byzantine)
    return formatted(EMPTY_FORMATTING, [x, y])


def _sep(x, y, separator):
    if y is None:
        return x
    if x is None:
        return y
    if type(x) in (Tagged, InNote):
        return _sep(x.child, y, separator)
    return formatted(Formatting(delimiter=separator), [x, y])


def display_name(ctx, nf: NameFormat, fmt: Formatting, order: int, name: NameValue):
    engine = ctx.engine
    given_text = name.given
    byz = is_byzantine(name)
    # CJK given names are never reduced to initials (the reference processor turns 董洁 into "董洁.")
    if name.family and nf.initialize_with is not None and given_text and byz:
        given_text = initialize(nf.initialize, engine.initialize_with_hyphen, nf.initialize_with, given_text)
    sep = nf.sort_separator
    ff, gf = nf.family_fmt, nf.given_fmt

    def aff(f, xs):
        if f is None:
            return formatted(EMPTY_FORMATTING, xs)
        return formatted(Formatting(prefix=f.prefix, suffix=f.suffix), xs)

    def fmt_only(f, xs):
        if f is None:
            return formatted(EMPTY_FORMATTING, xs)
        return formatted(f.copy(prefix=None, suffix=None), xs)

    ndp = fmt_only(ff, [literal(name.non_dropping_particle)]) if name.non_dropping_particle else None
    dp = fmt_only(gf, [literal(name.dropping_particle)]) if name.dropping_particle else None
    given = fmt_only(gf, [literal(given_text)]) if given_text else None
    family = fmt_only(ff, [literal(name.family)]) if name.family else None
    suffix = literal(name.suffix) if name.suffix else None
    sort_order = ctx.in_sort_key or nf.name_as_sort_order == "all" or (
        nf.name_as_sort_order == "first" and order == 1)
    demote = engine.demote_ndp
    if demote == "sort-only" and ctx.in_sort_key:
        demote = "display-and-sort"  # "van der Berg" sorts under B, but prints as "van der Berg"

    def sp(a, b):
        return _sp(a, b, byz)

    if byz and name.static_ordering and nf.form == "long":
        # "static-ordering": a name written family first in Latin script (Kim Il Sung), never inverted
        return formatted(fmt, [sp(aff(ff, [sp(ndp, family)]), aff(gf, [sp(given, suffix)]))])
    if byz:
        if nf.form == "long":
            if demote in ("never", "sort-only") and sort_order:
                out = _sep(_sep(aff(ff, [sp(ndp, family)]), aff(gf, [sp(given, dp)]), sep), suffix, sep)
            elif sort_order:
                out = _sep(_sep(aff(ff, [family]), aff(gf, [sp(sp(given, dp), ndp)]), sep), suffix, sep)
            elif name.comma_suffix:
                out = sp(aff(gf, [given]), aff(ff, [_sep(sp(sp(dp, ndp), family), suffix, sep)]))
            else:
                out = sp(aff(gf, [given]), aff(ff, [sp(sp(sp(dp, ndp), family), suffix)]))
        elif nf.form == "short":
            out = aff(ff, [sp(ndp, family)])
        else:
            out = None
    else:
        if nf.form == "long":
            out = grouped([aff(ff, [family]), aff(gf, [given])])
        elif nf.form == "short":
            out = aff(ff, [family])
        else:
            out = None
    return formatted(fmt, [out])


def format_name(ctx, nf: NameFormat, fmt: Formatting, order: int, name: NameValue):
    hint = ctx.disamb.name_hints.get(name) if ctx.disamb.name_hints else None
    if hint == "initials" or (hint == "initials-if-primary" and order == 1):
        nf = nf.copy(form="long")
    elif hint == "given" or (hint == "given-if-primary" and order == 1):
        nf = nf.copy(form="long", initialize=False)
    if name.literal is not None:
        lit = literal(name.literal)
        inner = [Formatted(nf.family_fmt, [lit])] if nf.family_fmt is not None else [lit]
        return Tagged(("name", name), formatted(fmt, inner))
    return Tagged(("name", name), display_name(ctx, nf, fmt, order, name))


# ---------------------------------------------------------------------------
# A list of names


class NamesFormat:
    __slots__ = ("label", "et_al", "name", "label_before_name")

    def __init__(self, label=None, et_al=None, name=None, label_before_name=False):
        self.label = label          # (form, plural, Formatting)
        self.et_al = et_al          # (term, Formatting)
        self.name = name            # the cs:name element
        self.label_before_name = label_before_name


def format_names(ctx, nsf: NamesFormat, nf: NameFormat, fmt: Formatting, var: str, names: list):
    rendered = [format_name(ctx, nf, fmt, i, n) for i, n in enumerate(names, start=1)]
    delim = fmt.delimiter if fmt.delimiter is not None else nf.delimiter
    if _begins_space(fmt.suffix) and _ends_space(fmt.prefix):
        delim = delim.strip()
    elif _begins_space(fmt.suffix):
        delim = delim.lstrip()
    elif _ends_space(fmt.prefix):
        delim = delim.rstrip()
    n = len(rendered)
    label = []
    if nsf.label is not None and not ctx.in_sort_key:
        lform, lplural, lfmt = nsf.label
        label = [eval_label(ctx, var, lform, lplural, lfmt)]
    if nf.and_ == "symbol":
        and_term = ctx.locale.term("and", "symbol") or "&"
    elif nf.and_ == "text":
        and_term = ctx.locale.term("and", "long")
    else:
        and_term = None
    et_al_min, use_first = nf.et_al_min, nf.et_al_use_first
    if not ctx.in_bibliography and "first" not in ctx.positions and ctx.positions:
        if nf.et_al_subsequent_min is not None:
            et_al_min = nf.et_al_subsequent_min
        if nf.et_al_subsequent_use_first is not None:
            use_first = nf.et_al_subsequent_use_first
    threshold = None
    if et_al_min is not None and n >= et_al_min:
        extra = ctx.disamb.et_al_names
        if extra is not None and use_first is not None:
            threshold = max(use_first, extra)
        else:
            threshold = use_first
    if and_term is None:
        before_last = delim
    else:
        dpl = nf.dp_last
        if dpl == "contextual":
            before_last = delim if n > 2 else ""
        elif dpl == "after-inverted-name":
            nas = nf.name_as_sort_order
            before_last = delim if (nas == "all" or (nas == "first" and n < 3)) else ""
        elif dpl == "always":
            before_last = delim
        else:
            before_last = ""
    if not before_last:
        and_pre = "" if _ends_space(fmt.suffix) else " "
    else:
        and_pre = "" if _ends_space(before_last) else " "
    and_post = "" if _begins_space(fmt.prefix) else " "
    and_delim = (and_pre + and_term + and_post) if and_term is not None else None
    et_al_pre = "" if _ends_space(fmt.suffix) else " "
    dpe = nf.dp_et_al
    if dpe == "contextual":
        before_et_al = delim if (n > 2 and threshold is not None and threshold > 1) else et_al_pre
    elif dpe == "after-inverted-name":
        nas = nf.name_as_sort_order
        before_et_al = delim if (nas == "all" or (nas == "first" and (threshold is None or threshold < 2))) \
            else et_al_pre
    elif dpe == "always":
        before_et_al = delim
    else:
        before_et_al = et_al_pre
    if nsf.et_al is not None:
        term, efmt = nsf.et_al
        pre = (before_et_al + (efmt.prefix or "")).replace("  ", " ")
        t = ctx.locale.term(term)
        et_al = with_formatting(ctx, efmt.copy(prefix=pre), literal(t)) if t else None
    elif nf.et_al_use_last:
        et_al = Formatted(Formatting(prefix=before_et_al), [Literal(["\u2026 "])])
    else:
        t = ctx.locale.term("et-al")
        et_al = Formatted(Formatting(prefix=before_et_al), [literal(t)]) if t else None
    out = []
    for idx, name in enumerate(rendered, start=1):
        if threshold == 0:
            item = None
        elif idx == 1:
            item = name
        elif idx == n and nf.et_al_use_last and threshold is not None and idx - 1 >= threshold:
            item = name
        elif threshold is not None and idx - 1 > threshold:
            item = None
        elif threshold is not None and idx - 1 == threshold:
            item = None if ctx.in_sort_key else et_al
        elif ctx.in_sort_key:
            item = name
        elif idx == n:
            item = formatted(Formatting(prefix=before_last + (and_delim or "")), [name])
        else:
            item = formatted(Formatting(prefix=delim), [name])
        out.append(item)
    body = label + out if nsf.label_before_name else out + label
    return Tagged(("names", var, nsf, tuple(names)), grouped(body))


class Name(Node, model.Name):
    def prep(self, engine):
        super().prep(engine)
        self.given_fmt = self.family_fmt = None
        for part in self.kids:
            if isinstance(part, Name_Part):
                if part.get("name") == "given" and self.given_fmt is None:
                    self.given_fmt = part.fmt
                elif part.get("name") == "family" and self.family_fmt is None:
                    self.family_fmt = part.fmt
        self.own = {k: v for k, v in self.attrib.items()}
        self._formats: dict = {}
        self.fmt = self.fmt.copy(delimiter=None)

    def name_format(self, inherited: dict) -> NameFormat:
        key = id(inherited)
        nf = self._formats.get(key)
        if nf is None:
            attrs = dict(inherited)
            attrs.pop("names-delimiter", None)
            attrs.update(self.own)
            nf = self._formats[key] = make_name_format(attrs, self.given_fmt, self.family_fmt)
        return nf


class Name_Part(Node, model.Name_Part):
    pass


class Et_Al(Node, model.Et_Al):
    def prep(self, engine):
        super().prep(engine)
        self.term = self.get("term", "et-al")


class Substitute(Node, model.Substitute):
    pass


class Names(Node, model.Names):
    def prep(self, engine):
        super().prep(engine)
        self.variables = self.get("variable", "").split()
        label = et_al = name = None
        label_before = False
        self.substitute = None
        for k in self.kids:
            if isinstance(k, Name):
                name = k
            elif isinstance(k, Et_Al):
                et_al = (k.term, k.fmt)
            elif isinstance(k, Label):
                label = (k.form, k.plural, k.fmt)
                label_before = name is None
            elif isinstance(k, Substitute):
                self.substitute = k
        self.nsf = NamesFormat(label, et_al, name, label_before)
        self.own_delimiter = self.fmt.delimiter
        self.default_formats: dict = {}  # name options when there is no cs:name, per inherited set

    def _names_format(self, ctx) -> NamesFormat:
        own = self.nsf
        sub = ctx.subst_names
        if sub is None:
            return own
        return NamesFormat(
            label=None if ctx.in_sort_key else (own.label or sub.label),
            et_al=own.et_al or sub.et_al,
            name=own.name if own.name is not None else sub.name,
            label_before_name=own.label_before_name if (own.name is not None and own.label is not None)
            else sub.label_before_name)

    def ev(self, ctx):
        nsf = self._names_format(ctx)
        inherited = ctx.inherited
        if nsf.name is not None:
            nf = nsf.name.name_format(inherited)
            nfmt = nsf.name.fmt
        else:
            key = id(inherited)
            nf = self.default_formats.get(key)
            if nf is None:
                attrs = dict(inherited)
                attrs.pop("names-delimiter", None)
                nf = self.default_formats[key] = make_name_format(attrs)
            nfmt = EMPTY_FORMATTING
        variables = self.variables
        if "editor" in variables and "translator" in variables:
            ed, tr = ctx.ask("editor"), ctx.ask("translator")
            tform = nsf.label[0] if nsf.label else "long"
            if ed is not None and ed == tr and ctx.locale.term("editortranslator", tform) is not None:
                variables = ["editortranslator"] + [v for v in variables if v not in ("editor", "translator")]
        raw = [(v, ctx.ask("editor" if v == "editortranslator" else v, raw=True)) for v in variables]
        fmt = self.fmt
        if fmt.delimiter is None and "names-delimiter" in inherited:
            fmt = fmt.copy(delimiter=inherited["names-delimiter"])
        if all(val is None for _, val in raw):
            if self.substitute is not None and not ctx.in_substitute:
                saved = ctx.in_substitute, ctx.subst_names
                ctx.in_substitute, ctx.subst_names = True, nsf
                try:
                    res = None
                    for k in self.substitute.kids:
                        res = k.ev(ctx)
                        if res is not None:
                            break
                finally:
                    ctx.in_substitute, ctx.subst_names = saved
                if res is None:
                    return None
                if type(res) is Formatted and len(res.children) == 1 and res.fmt.only_delimiter():
                    res = res.children[0]
                if type(res) is Tagged and res.tag[0] == "names":
                    return formatted(fmt, [res])
                return formatted(fmt, [Tagged(("names", "", nsf, ()), res)])
            return None
        xs = [format_names(ctx, nsf, nf, nfmt, v, val) for v, val in raw if isinstance(val, list) and val]
        if ctx.in_substitute:
            for v, val in raw:
                if val is not None:
                    ctx.consume("editor" if v == "editortranslator" else v)
                    if v == "editortranslator":
                        ctx.consume("translator")
        if nf.form == "count":
            count = sum(1 for x in xs for node in walk(x)
                        if type(node) is Tagged and node.tag[0] == "name")
            return Literal([str(count)]) if count else None
        return formatted(fmt, xs)

