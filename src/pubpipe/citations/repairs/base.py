"""What every repaired element shares: the evaluation context and variable access.

citeproc-py's elements re-read their XML attributes, search for their macro,
their enclosing ``cs:citation`` and the locale chain with XPath on every call,
and decide whether a ``cs:group`` is empty by asking statically whether a
child *could* call a variable. Our subclasses read their attributes once
(``prep``), evaluate against one :class:`Ctx` carrying the reference being
rendered, and count the variables actually looked up and found, which is how
CSL defines group suppression.
"""

from __future__ import annotations

from ..output import Formatting, Literal, formatted
from ..references import Reference


class Node:
    """Mixin for our element subclasses (placed before citeproc-py's class in the MRO)."""

    _prepared = False
    transparent = False

    def __getattr__(self, name):
        # citeproc-py's elements resolve unknown attributes as child lookups (returning None);
        # that would hide typos in our code, so unknown attributes are errors here.
        raise AttributeError(name)

    def prep(self, engine) -> None:
        """Read attributes once; called for every element right after the style is parsed."""
        self.fmt = Formatting.from_attrib(self.attrib)
        self.kids = [c for c in self if isinstance(c, Node)]

    def ev(self, ctx: "Ctx"):
        return None

    def uses_year_suffix(self) -> bool:
        return any(k.uses_year_suffix() for k in self.kids)


class Disamb:
    """Disambiguation data of one reference (citeproc-hs's DisambiguationData)."""

    __slots__ = ("year_suffix", "name_hints", "et_al_names", "condition", "hints_version")

    def __init__(self):
        self.year_suffix = None
        self.name_hints: dict = {}
        self.et_al_names = None
        self.condition = False
        self.hints_version = 0

    def set_hints(self, hints: dict) -> None:
        """Share a (read-only) name-hint map."""
        self.name_hints = hints
        self.hints_version += 1

    def add_hint(self, name, hint) -> None:
        self.name_hints = dict(self.name_hints)
        self.name_hints[name] = hint
        self.hints_version += 1

    def key(self):
        return (self.year_suffix, self.et_al_names, self.condition, self.hints_version)


NO_DISAMB = Disamb()


class _Substituted:
    """Marks a variable consumed by cs:substitute (the reference processor's SubstitutedVal)."""

    def __repr__(self):
        return "SUBSTITUTED"


SUBSTITUTED = _Substituted()


class Ctx:
    """Evaluation context and state for one cite (or one bibliography entry, or one sort key)."""

    __slots__ = ("engine", "locale", "ref", "vars", "disamb", "locator", "label", "positions",
                 "in_bibliography", "in_sort_key", "in_substitute", "subst_names", "accessed",
                 "nonempty", "used_year_suffix", "english", "inherited", "layout", "citation_number")

    def __init__(self, engine, ref: Reference, *, disamb=None, locator=None, label=None, positions=(),
                 in_bibliography=False, in_sort_key=False, inherited=None, layout=None):
        self.engine = engine
        self.locale = engine.locale
        self.ref = ref
        self.vars = dict(ref.vars)
        self.disamb = disamb or NO_DISAMB
        self.locator = locator
        self.label = label
        self.positions = positions
        self.in_bibliography = in_bibliography
        self.in_sort_key = in_sort_key
        self.in_substitute = False
        self.subst_names = None
        self.accessed = 0
        self.nonempty = 0
        self.used_year_suffix = False
        lang = ref.vars.get("language")
        if lang is not None:
            from ..references import value_text

            self.english = value_text(lang).lower().startswith("en")
        else:
            self.english = (engine.locale.lang or "en").lower().startswith("en")
        self.inherited = inherited if inherited is not None else engine.citation_name_attrs
        self.layout = layout

    # -- variables ---------------------------------------------------------
    def lookup(self, name: str):
        """A variable's value without counting it (conditions)."""
        if name == "id":
            return [self.ref.id] if self.ref.id else None
        if name == "type":
            return [self.ref.type] if self.ref.type else None
        return self.vars.get(name)

    def ask(self, name: str, raw: bool = False):
        """A variable's value, counted for group suppression (*raw*: substituted ones included)."""
        if name == "page-first":
            v = self.ask("page")
            if v is None:
                return None
            if isinstance(v, int):
                return v
            from ..references import value_text

            t = value_text(v)
            for i, c in enumerate(t):
                if c in ",;-\u2013":
                    t = t[:i]
                    break
            return [t]
        v = self.lookup(name)
        self.accessed += 1
        if v is not None:
            self.nonempty += 1
        if v is SUBSTITUTED and not raw:
            return None
        return v

    def consume(self, name: str) -> None:
        """A variable used by cs:substitute prints nowhere else (but still tests as present)."""
        if name in self.vars:
            self.vars[name] = SUBSTITUTED

    def count(self, accessed: int, nonempty: int) -> None:
        self.accessed += accessed
        self.nonempty += nonempty


def eval_children(ctx: "Ctx", kids) -> list:
    """Outputs of child elements; a cs:choose is transparent (its branch's children are spliced in,
    so the delimiter of the enclosing group applies between them, as CSL 1.0.2 says)."""
    out = []
    for k in kids:
        if k.transparent:
            out.extend(k.ev_list(ctx))
        else:
            out.append(k.ev(ctx))
    return out


def value_output(v):
    """Output for a variable value: rich text, plain string or number."""
    if v is None:
        return None
    if isinstance(v, int):
        return Literal([str(v)])
    if isinstance(v, str):
        return Literal([v]) if v else None
    return Literal(v) if v else None


def with_formatting(ctx: Ctx, fmt: Formatting, out):
    """Apply an element's formatting (title case only for English items, as CSL says)."""
    if fmt.is_empty():
        return out
    if fmt.text_case == "title" and not ctx.english:
        fmt = fmt.copy(text_case=None)
    return formatted(fmt, [out])
