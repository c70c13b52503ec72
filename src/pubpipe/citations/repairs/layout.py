"""``cs:layout`` for citations and bibliography entries.

Repairs: **missing space after the citation number** and **note-start
capitalisation**. citeproc-py concatenates ``display="left-margin"`` and the
rest of an entry with nothing between them ("[1]E. Hobsbawm"); here
``second-field-align`` wraps the first field and the rest in margin/inline
divisions, which the JATS writer separates by a space. In note styles a
citation that opens a note gets its first term capitalised ("Ibid." from the
locale's "ibid."), unless a prefix precedes it. Also: the layout's affixes sit
inside its formatting, author-only and suppress-author cites, cite
prefixes/suffixes, and a layout suffix moved inside a trailing display block.
"""

from __future__ import annotations

from citeproc import model

from ..output import EMPTY_FORMATTING, Formatted, Formatting, Literal, Tagged, formatted, grouped, outermost
from ..richtext import parse_markup
from .base import Ctx, Node, eval_children


class Macro(Node, model.Macro):
    pass


class Layout(Node, model.Layout):
    def prep(self, engine):
        super().prep(engine)
        self.fmt = self.fmt.copy(affixes_inside=True)


class Sort(Node, model.Sort):
    pass


class Key(Node, model.Key):
    def prep(self, engine):
        super().prep(engine)
        self.variable = self.get("variable")
        name = self.get("macro")
        self.macro = engine.macros.get(name) if name else None
        if name and self.macro is None:
            engine.style_error(f"the sort key uses the macro '{name}', which is not defined")
        self.descending = self.get("sort", "ascending") == "descending"
        self.inherited = None  # set by the engine (depends on citation/bibliography)


class Citation(Node, model.Citation):
    def prep(self, engine):
        super().prep(engine)
        self.layout = next((k for k in self.kids if isinstance(k, Layout)), None)
        sort = next((k for k in self.kids if isinstance(k, Sort)), None)
        self.keys = [k for k in sort.kids if isinstance(k, Key)] if sort is not None else []


class Bibliography(Citation, model.Bibliography):
    pass


def capitalize_initial_term(xs: list) -> list:
    if not xs:
        return xs
    x = xs[0]
    if type(x) is Tagged and x.tag[0] == "term":
        return [Tagged(x.tag, formatted(Formatting(text_case="capitalize-first"), [x.child]))] + xs[1:]
    if type(x) is Formatted:
        return [Formatted(x.fmt, capitalize_initial_term(x.children))] + xs[1:]
    if type(x) is Tagged:
        inner = capitalize_initial_term([x.child])
        return [Tagged(x.tag, inner[0] if inner else None)] + xs[1:]
    return xs


def _ends_sentence(prefix: str) -> bool:
    """Does a cite prefix end a sentence ("See the discussion. ", 'He said “Go.” ')? One word does not."""
    if not prefix.endswith(" ") or prefix.strip().count(" ") < 1:
        return False
    core = prefix.rstrip().rstrip("\u201d\u2019\"')]")
    return core[-1:] in (".", "?", "!")


def _move_suffix_inside_display(zs, suff):
    if not zs:
        return None
    last = zs[-1]
    if type(last) is Tagged and last.tag[0] == "item" and type(last.child) is Formatted:
        f = last.child
        r = _move_suffix_inside_display(f.children, suff)
        if r is None:
            return None
        return zs[:-1] + [Tagged(last.tag, Formatted(f.fmt, r))]
    if type(last) is Formatted:
        if last.fmt.display:
            return zs[:-1] + [Formatted(last.fmt.copy(suffix=(last.fmt.suffix or "") + suff), last.children)]
        r = _move_suffix_inside_display(last.children, suff)
        if r is None:
            return None
        return zs[:-1] + [Formatted(last.fmt, r)]
    return None


def eval_item(engine, layout, item, positions, *, bibliography: bool, is_note: bool):
    """One cite (or bibliography entry); re-renders during disambiguation come from a cache."""
    d = engine.disamb_of(item.id)
    dkey = None if d is None else d.key()
    key = (item.id, item.locator, item.label, item.prefix, item.suffix, item.mode, tuple(positions or ()),
           bibliography, is_note, dkey, id(layout))
    cache = engine.item_cache
    out = cache.get(key, cache)
    if out is cache:
        out = cache[key] = _eval_item(engine, layout, item, positions, bibliography=bibliography,
                                      is_note=is_note)
    return out


def _eval_item(engine, layout, item, positions, *, bibliography: bool, is_note: bool):
    ref = engine.refs.get(item.id)
    if ref is None:
        return Literal([f"{item.id}?"])
    ctx = Ctx(engine, ref, disamb=engine.disamb_of(item.id), locator=item.locator,
              label=item.label if item.locator is not None else None,
              positions=positions, in_bibliography=bibliography,
              inherited=engine.bibliography_name_attrs if bibliography else engine.citation_name_attrs)
    if not bibliography:
        fn = engine.first_note.get(item.id)
        if fn is not None and "first" not in positions:
            ctx.vars["first-reference-note-number"] = fn
    xs = eval_children(ctx, layout.kids)
    if bibliography and engine.second_field_align and xs:
        xs = [formatted(Formatting(display="left-margin"), [xs[0]]),
              formatted(Formatting(display="right-inline"), xs[1:])]
    if not bibliography and is_note and item.prefix is not None and _ends_sentence(item.prefix):
        xs = capitalize_initial_term(xs)
    if item.mode == "author-only":
        xs = [n for x in xs for n in outermost(x, lambda m: type(m) is Tagged and m.tag[0] == "names")]
    out = formatted(EMPTY_FORMATTING, xs)
    if out is not None:
        out = Tagged(("item", item.mode, item.id, tuple(positions or ())), out)
    if item.suffix:
        out = grouped([out, Literal(_affix(item.suffix, engine))])
    if item.prefix:
        out = grouped([Literal(_affix(item.prefix, engine)), out])
    return out


def _affix(text: str, engine) -> list:
    from ..engine import PlainText

    if isinstance(text, PlainText):
        return [str(text)]
    return parse_markup(text, engine.locale.quotes)


def eval_layout(engine, layout, citation, positions, *, bibliography: bool):
    is_note = engine.is_note_style
    items = [eval_item(engine, layout, item, positions[k] if positions else (), bibliography=bibliography,
                       is_note=is_note)
             for k, item in enumerate(citation.items)]
    if is_note and not bibliography:
        items = capitalize_initial_term(items)
    fmt = layout.fmt
    if fmt.suffix:
        moved = _move_suffix_inside_display(items, fmt.suffix)
        if moved is not None:
            return formatted(fmt.copy(suffix=None), moved)
    return formatted(fmt, items)


def handle_author_only(node, is_note: bool):
    from ..output import InNote

    def is_author_only(x):
        return type(x) is Tagged and x.tag[0] == "item" and x.tag[1] == "author-only"

    if type(node) is Formatted and node.children:
        f, xs = node.fmt, node.children
        x = xs[0]
        if is_author_only(x):
            rest = xs[1:]
            if is_note:
                return formatted(EMPTY_FORMATTING, [x] + ([InNote(formatted(f, rest))] if rest else []))
            return formatted(EMPTY_FORMATTING, [x] + ([Literal([" "]), formatted(f, rest)] if rest else []))
        if type(x) is Formatted and x.children and is_author_only(x.children[0]):
            f2, inner = x.fmt, x.children
            y, ys = inner[0], inner[1:]
            ys2 = xs[1:]
            head = Formatted(f2.copy(prefix=None, suffix=None), [y])
            if not ys and not ys2:
                return formatted(EMPTY_FORMATTING, [head])
            tail = formatted(f, [formatted(f2, ys)] + ys2)
            if is_note:
                return formatted(EMPTY_FORMATTING, [head, InNote(tail)])
            return Formatted(EMPTY_FORMATTING, [head, Literal([" "]), tail])
    if is_note:
        return InNote(node)
    return node
