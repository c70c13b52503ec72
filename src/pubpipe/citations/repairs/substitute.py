"""``subsequent-author-substitute`` in the bibliography.

citeproc-py ignores the option, so Chicago and MLA bibliographies repeat an
author's name on every entry instead of "———". All four rules are
implemented (complete-all, complete-each, partial-each, partial-first),
including works whose author was substituted by a title.
"""

from __future__ import annotations

from ..output import Formatted, Literal, Tagged, output_text, transform, walk


def _first_names(x):
    for n in walk(x):
        if type(n) is Tagged and n.tag[0] == "names":
            return n.tag[3], n.child
    return None


def _entry_head(entry):
    if type(entry) is Formatted and entry.children:
        return entry.children[0]
    return None


def subsequent_author_substitute(entries: list, text: str, rule: str) -> list:
    out = list(entries)
    i = 0
    while i < len(out):
        head = _entry_head(out[i])
        found = _first_names(head) if head is not None else None
        names, raw = found if found else ((), None)
        j = i + 1
        while j < len(out):
            replaced = _replace(out[j], rule, text, names, raw)
            if replaced is None:
                break
            out[j] = replaced
            j += 1
        i = j
    return out


def _replace(entry, rule, text, names, raw):
    if type(entry) is not Formatted or not entry.children:
        return None
    y = entry.children[0]
    found = _first_names(y)
    if not found:
        return None
    ns, r = found
    if not names:
        rule = "complete-all"
    replacement = Literal([text]) if text else Literal([])

    def rebuild(new_y):
        return Formatted(entry.fmt, [new_y] + entry.children[1:])

    if rule == "complete-all":
        if ns == names and (names or output_text(r) == output_text(raw)):
            def replace_all(n):
                if type(n) is Tagged and n.tag[0] == "names" and n.tag[3] == names:
                    if not names:
                        return Tagged(n.tag, replacement)
                    inner = transform(n.child, lambda m: None if (type(m) is Tagged and m.tag[0] == "name") else m)
                    if type(inner) is Formatted:
                        return Tagged(n.tag, Formatted(inner.fmt, [replacement] + inner.children))
                    return Tagged(n.tag, replacement)
                return n
            return rebuild(_transform_first(y, replace_all))
        return None
    if rule == "complete-each":
        if ns == names:
            return rebuild(transform(y, lambda n: Tagged(n.tag, replacement)
                                     if type(n) is Tagged and n.tag[0] == "name" and n.tag[1] in names else n))
        return None
    matches = 0
    for a, b in zip(ns, names):
        if a != b:
            break
        matches += 1
    if matches < 1:
        return None
    count = matches if rule == "partial-each" else 1
    targets = list(ns[:count])

    def replace_first(n):
        if type(n) is Tagged and n.tag[0] == "name" and n.tag[1] in targets:
            return Tagged(n.tag, replacement)
        return n

    return rebuild(transform(y, replace_first))


def _transform_first(node, fn):
    return transform(node, fn)
