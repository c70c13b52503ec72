"""Disambiguation of cites that would print the same.

Repairs: **year-suffix disambiguation** (citeproc-py never adds "2011a",
"2011b"), and the rest of CSL's disambiguation steps that it lacks:
``disambiguate-add-names`` (show more names before "et al."),
``disambiguate-add-givenname`` with every ``givenname-disambiguation-rule``
(initials, then full given names), and finally the ``disambiguate="true"``
condition for the cites still ambiguous. Two cites are ambiguous when the
names and dates they print are the same text for different works; uncited
works in the bibliography take part, as CSL requires.
"""

from __future__ import annotations

from ..output import Tagged, output_text, transform, walk
from .base import Disamb
from .names import initialize


def _initials(given):
    return initialize(True, False, "", given) if given else None


def _initials_match(x, y) -> bool:
    return bool(x.given) and bool(y.given) and _initials(x.given) == _initials(y.given)


class DisambData:
    __slots__ = ("item", "names", "dates")

    def __init__(self, item, names, dates):
        self.item = item
        self.names = names
        self.dates = dates

    def key(self):
        return (self.item, self.names, self.dates)

    def __eq__(self, other):
        return self.key() == other.key()

    def __hash__(self):
        return hash((self.item, self.names))


def item_nodes(outputs):
    """(item id, mode, node) for every cite in rendered citations."""
    for out in outputs:
        for node in walk(out):
            if type(node) is Tagged and node.tag[0] == "item":
                yield node.tag[2], node.tag[1], node


def _drop_locator(n):
    if type(n) is Tagged and n.tag[0] == "locator":
        return None
    return n


def ambiguities(outputs) -> list[list[DisambData]]:
    groups: dict[str, dict[str, DisambData]] = {}
    order: list[str] = []
    for iid, mode, node in item_nodes(outputs):
        if mode == "author-only":
            continue
        names, dates = [], []
        for n in walk(node.child):
            if type(n) is Tagged:
                if n.tag[0] == "names":
                    names.extend(n.tag[3])
                elif n.tag[0] == "date":
                    dates.append(n.tag[1])
        if len(node.tag) > 3 and "ibid" in node.tag[3]:
            continue  # "Ibid." identifies nothing by itself
        # CSL: cites are ambiguous when they print the same (locators aside)
        text = output_text(transform(node.child, _drop_locator))
        if not text:
            continue
        g = groups.get(text)
        if g is None:
            g = groups[text] = {}
            order.append(text)
        if iid not in g:
            g[iid] = DisambData(iid, tuple(names), tuple(dates))
    return [list(groups[t].values()) for t in order if len(groups[t]) > 1]


def _name_parts(rule, names):
    if rule == "all-names":
        return names
    if rule == "all-names-with-initials":
        return tuple(n.replace(given=_initials(n.given)) for n in names)
    if rule == "primary-name":
        return names[:1] + tuple(n.replace(given=None) for n in names[1:])
    if rule == "primary-name-with-initials":
        return tuple(n.replace(given=_initials(n.given)) for n in names[:1]) + \
            tuple(n.replace(given=None) for n in names[1:])
    if rule == "by-cite":
        return names
    return tuple(n.replace(given=None) for n in names)


def _is_disambiguated(rule, et_al_min, xs, x) -> bool:
    dx = _name_parts(rule, x.names[:et_al_min])
    return all(y == x or _name_parts(rule, y.names[:et_al_min]) != dx for y in xs)


def disambiguate(engine, render_all, n_citations: int):
    """Run CSL disambiguation; returns the final rendered citations (first *n_citations*)."""
    strategy = engine.disambiguation
    all_cites = render_all()
    rule = strategy.givenname_rule if strategy.add_givenname else None
    if rule is not None and rule != "by-cite":
        groups = [n.tag[3] for out in all_cites for n in walk(out)
                  if type(n) is Tagged and n.tag[0] == "names"]
        all_names = list(dict.fromkeys(n for g in groups for n in g))
        primary = list(dict.fromkeys(n for g in groups for n in g[:1]))
        relevant = primary if rule in ("primary-name", "primary-name-with-initials") else all_names
        families = list(dict.fromkeys(n.family for n in relevant if n.family))
        hints: dict = {}
        for fam in families:
            same = [n for n in relevant if n.family == fam]
            if len(same) < 2:
                continue
            for name in same:
                others = [o for o in same if o != name]
                if any(_initials_match(name, o) for o in others):
                    hint = {"all-names-with-initials": None, "primary-name-with-initials": None,
                            "primary-name": "given-if-primary"}.get(rule, "given")
                else:
                    hint = {"primary-name-with-initials": "initials-if-primary",
                            "primary-name": "initials-if-primary"}.get(rule, "initials")
                if hint is not None:
                    hints[name] = hint
        if hints:
            for rid in engine.refs:
                engine.disamb_for(rid).set_hints(hints)
            all_cites = render_all()
    amb = ambiguities(all_cites)
    if not amb:
        return all_cites[:n_citations]
    if strategy.add_names:
        amb = [_try_add_names(engine, rule, a) for a in amb]
    if rule is not None:
        amb = [_try_add_given_names(engine, rule, a) for a in amb]
    if strategy.add_year_suffix:
        _add_year_suffixes(engine, amb)
        amb = []
    for a in amb:
        for x in a:
            engine.disamb_for(x.item).condition = True
    return render_all()[:n_citations]


def _try_add_names(engine, rule, xs):
    if not xs:
        return xs
    z = max(len(x.names) for x in xs)

    def get_ds(n):
        return [x for x in xs if _is_disambiguated(rule, n, xs, x)]

    ds = get_ds(z)
    if not ds:
        return xs
    et_al_min = next((k for k in range(1, z + 1) if get_ds(k) == ds), z)
    for x in ds:
        engine.disamb_for(x.item).et_al_names = et_al_min
    if rule == "by-cite":
        _try_add_given_names(engine, rule, xs)
    return [x for x in xs if x not in ds]


def _try_add_given_names(engine, rule, xs):
    if rule != "by-cite":
        return xs
    width = max((len(x.names) for x in xs), default=0)
    for k in range(width):
        if not xs:
            break
        column = [(x.item, x.names[k]) for x in xs if len(x.names) > k]
        names = [n for _, n in column]
        hinted = set()
        for item, name in column:
            matches = [n for n in names if n != name and n.family == name.family]
            if not matches:
                continue
            hint = "given" if any(_initials_match(name, m) for m in matches) else "initials"
            engine.disamb_for(item).add_hint(name, hint)
            hinted.add(item)
        xs = [x for x in xs if x.item not in hinted]
    return xs


def _add_year_suffixes(engine, amb):
    """Number the works in each ambiguous set a, b, c … in bibliography order."""
    groups_of: dict = {}
    for gi, grp in enumerate(amb):
        for x in grp:
            groups_of.setdefault(x, []).append(gi)
    seen = set()
    for a in (x for grp in amb for x in grp):
        companions = list(dict.fromkeys(x for gi in groups_of[a] for x in amb[gi]))
        companions.sort(key=lambda x: engine.bib_position(x.item))
        key = tuple(x.key() for x in companions)
        if key in seen:
            continue
        seen.add(key)
        for n, x in enumerate(companions, start=1):
            engine.disamb_for(x.item).year_suffix = n
