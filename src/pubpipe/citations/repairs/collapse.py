"""Cite grouping and collapsing.

Repairs: **cite collapsing** -- citeproc-py ignores ``collapse``: numeric
styles print "[1, 2, 3, 5]" instead of "[1–3, 5]" and author-date styles
"(Doe 2000; Doe 2001)" instead of "(Doe 2000, 2001)". Implemented here:
``collapse="citation-number"`` (runs of three or more become ranges),
``year``, ``year-suffix`` ("Doe 2000a, b") and ``year-suffix-ranged``
("2000a–c"), ``cite-group-delimiter``, ``year-suffix-delimiter`` and
``after-collapse-delimiter``; cites by the same authors are grouped
together as CSL requires.
"""

from __future__ import annotations

from ..output import Formatted, Formatting, Tagged, literal, output_text, transform, walk

EN_DASH = "\u2013"


def remove_names(node):
    def fn(n):
        if type(n) is Tagged and n.tag[0] == "names":
            return None
        return n

    return transform(node, fn)


def _un_format(xs):
    out = []
    for x in xs:
        if type(x) is Formatted:
            out.extend(_un_format(x.children))
        elif x is not None:
            out.append(x)
    return out


def _same_names(x, y) -> bool:
    if not (type(x) is Tagged and x.tag[0] == "item" and type(y) is Tagged and y.tag[0] == "item"):
        return False
    a, b = x.child, y.child
    if type(a) is not Formatted or type(b) is not Formatted:
        return False
    if a.fmt.suffix is not None or b.fmt.prefix is not None:
        return False
    ua, ub = _un_format(a.children), _un_format(b.children)
    if not ua or not ub:
        return False
    na, nb = ua[0], ub[0]
    if not (type(na) is Tagged and na.tag[0] == "names" and type(nb) is Tagged and nb.tag[0] == "names"):
        return False
    if na.tag[1] != nb.tag[1]:
        return False
    if na.tag[3] == nb.tag[3]:
        return bool(na.tag[3]) or output_text(na.child) == output_text(nb.child)
    return output_text(na.child) == output_text(nb.child)


def _group_successive(pred, xs):
    groups = []
    for x in xs:
        if groups and pred(groups[-1][-1], x):
            groups[-1].append(x)
        else:
            groups.append([x])
    return groups


def _citation_number(x):
    if type(x) is not Tagged or x.tag[0] != "item":
        return None
    c = x.child
    if type(c) is Formatted and len(c.children) == 1:
        c = c.children[0]
    if type(c) is Tagged and c.tag[0] == "citation-number":
        return c.tag[1]
    return None


def _adjacent_numbers(x, y) -> bool:
    a, b = _citation_number(x), _citation_number(y)
    return a is not None and b is not None and b == a + 1


def _dates(x):
    return [n.tag[1] for n in walk(x) if type(n) is Tagged and n.tag[0] == "date"]


def _year_suffixes(x):
    return [n for n in walk(x) if type(n) is Tagged and n.tag[0] == "year-suffix"]


def group_and_collapse(node, cite_group_delim, year_suffix_delim, after_collapse_delim, collapsing):
    if type(node) is not Formatted:
        return node
    f, xs = node.fmt, node.children

    def lit(t):
        return literal(t) if t else None

    if collapsing == "citation-number":
        out = []
        groups = _group_successive(_adjacent_numbers, xs)
        for k, ys in enumerate(groups):
            last = k == len(groups) - 1
            if len(ys) >= 3:
                out.append(Formatted(Formatting(delimiter=EN_DASH), [ys[0], ys[-1]]))
                if not last:
                    out.append(lit(after_collapse_delim))
            else:
                out.append(Formatted(Formatting(delimiter=f.delimiter), ys))
                if not last:
                    out.append(lit(f.delimiter))
        return Formatted(f.copy(delimiter=None), [o for o in out if o is not None])
    if collapsing in ("year", "year-suffix", "year-suffix-ranged"):
        out = []
        groups = _group_with(_same_names, xs)
        flipped = collapsing == "year"  # citation-style-language/test-suite#36
        for k, ys in enumerate(groups):
            last = k == len(groups) - 1
            stripped = [ys[0]] + [remove_names(y) for y in ys[1:]]
            ws, suffix_collapsed = _collapse_year_suffix(collapsing, stripped, year_suffix_delim)
            no_collapse = len(ys) == 1 and not suffix_collapsed
            no_year_suffix_collapse = not suffix_collapsed
            members = []
            for j, u in enumerate(ws):
                if j == len(ws) - 1:
                    members.append(u)
                    continue
                if no_collapse or (no_year_suffix_collapse and not (flipped and _has_locator(u))):
                    sfx = cite_group_delim
                else:
                    sfx = after_collapse_delim if after_collapse_delim is not None else f.delimiter
                members.append(Formatted(Formatting(suffix=sfx), [u]))
            if last:
                gsfx = None
            elif no_collapse and not flipped:
                gsfx = f.delimiter
            else:
                gsfx = after_collapse_delim if after_collapse_delim is not None else f.delimiter
            out.append(Formatted(Formatting(suffix=gsfx), members))
        return Formatted(f.copy(delimiter=None), out)
    return Formatted(f, [Formatted(Formatting(delimiter=cite_group_delim), g)
                         for g in _group_with(_same_names, xs)])


def _has_locator(u) -> bool:
    return any(type(n) is Tagged and n.tag[0] == "locator" for n in walk(u))


def _group_with(pred, xs):
    """Groups of items matching the first of each group, wherever they stand (order kept)."""
    groups = []
    rest = list(xs)
    while rest:
        z = rest[0]
        g = [z] + [x for x in rest[1:] if pred(z, x)]
        groups.append(g)
        rest = [x for x in rest[1:] if not pred(z, x)]
    return groups


def _years(x):
    out = []
    for d in _dates(x):
        if d.literal is None or d.parts:
            out.append(tuple(p[0] if p else None for p in d.parts))
    return out


def _collapse_year_suffix(collapsing, zs, ys_delim):
    """(items, whether any year suffixes were merged)."""
    if collapsing == "year":
        return zs, False
    ranged = collapsing == "year-suffix-ranged"
    cur: list = []
    items: list = []
    changed = False

    def suffix_group(group):
        if len(group) == 1:
            return group[0]
        return Formatted(Formatting(delimiter=ys_delim), _collapse_ranges(group, ys_delim) if ranged else group)

    for item in zs:
        if not cur:
            cur = [item]
        elif _years(cur[0]) == _years(item):
            suffixes = _year_suffixes(item)
            cur = cur + suffixes
            changed = True
        else:
            items.append(suffix_group(cur))
            cur = [item]
    if cur:
        items.append(suffix_group(cur))
    return items, changed


def _successive(x, y):
    a = [n.tag[1] for n in walk(x) if type(n) is Tagged and n.tag[0] == "year-suffix"]
    b = [n.tag[1] for n in walk(y) if type(n) is Tagged and n.tag[0] == "year-suffix"]
    return len(a) == 1 and len(b) == 1 and b[0] == a[0] + 1


def _collapse_ranges(zs, ys_delim):
    out = []
    for g in _group_successive(_successive, zs):
        if len(g) >= 3:
            out.append(Formatted(Formatting(delimiter=EN_DASH), [g[0], g[-1]]))
        elif len(g) == 1:
            out.append(g[0])
        else:
            out.append(Formatted(Formatting(delimiter=ys_delim), g))
    return out
