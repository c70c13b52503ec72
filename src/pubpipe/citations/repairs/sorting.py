"""``cs:sort`` keys for citations and the bibliography.

citeproc-py compares sort keys as raw strings (so "de Gaulle" sorts under
"d", "Émile" after "Zola", a missing key sorts first when descending) and
renders macro keys with the display name options. Here keys are normalised
like the reference processor's (punctuation and hyphens ignored, words
compared case- and accent-insensitively), names in sort order with the
key's ``names-min``/``names-use-first`` options, numbers and dates
zero-padded, and items without a value sort last in both directions.
"""

from __future__ import annotations

import functools
import unicodedata

from ..references import Date, Name, is_byzantine, value_text


def normalize_sort_key(t: str) -> list[str]:
    t = t.replace("-", "")
    t = "".join(" " if (unicodedata.category(c).startswith("P") or c in "\u02be\u02bf") else c for c in t)
    return [w for w in t.split() if w]


def _collate(word: str):
    base = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return (base.casefold(), word.casefold(), word)


def _name_sort_parts(name: Name, demote: str) -> list[str]:
    if name.literal is not None:
        return [name.literal]
    if is_byzantine(name):
        if demote == "never":
            parts = [(name.non_dropping_particle or "") + (" " if name.non_dropping_particle else "")
                     + (name.family or ""), name.dropping_particle, name.given, name.suffix]
        else:
            parts = [name.family, " ".join(p for p in (name.dropping_particle, name.non_dropping_particle) if p),
                     name.given, name.suffix]
    else:
        parts = [name.family, name.given]
    return [p or "" for p in parts]


def date_sort_text(d: Date) -> str:
    if d.literal is not None and not d.parts:
        return d.literal.lower()
    out = []
    for p in d.parts:
        if not p:
            continue
        y = p[0]
        s = f"-{999999999 + y:09d}" if y < 0 else f"0{y:09d}"
        if len(p) > 1:
            s += f"{p[1]:02d}"
        if len(p) > 2:
            s += f"{p[2]:02d}"
        out.append(s)
    return "".join(out)


def variable_sort_value(engine, ref, var: str):
    if var == "citation-number":
        v = ref.vars.get("citation-number")
        return [f"{v:09d}"] if isinstance(v, int) else None
    v = ref.vars.get(var) if var not in ("id", "type") else (ref.id if var == "id" else ref.type)
    if v is None:
        return None
    if isinstance(v, int):
        return [f"{v:09d}"]
    if isinstance(v, Date):
        return [date_sort_text(v)]
    if isinstance(v, list) and v and isinstance(v[0], Name):
        text = ",".join(" ".join(_name_sort_parts(n, engine.demote_ndp)) for n in v)
        return normalize_sort_key(text)
    return normalize_sort_key(value_text(v))


def sort_value(engine, key, ref):
    """One key's value for *ref*: a list of normalised words, or None when empty."""
    if key.macro is not None:
        from .base import Ctx

        ctx = Ctx(engine, ref, in_sort_key=True, in_bibliography=True, inherited=key.inherited,
                  disamb=engine.disamb_of(ref.id))
        from .base import eval_children

        out = engine.render_plain(eval_children(ctx, key.macro.kids))
        words = normalize_sort_key(out)
        return words or None
    return variable_sort_value(engine, ref, key.variable)


def compare_values(a, b, descending: bool) -> int:
    if a is None and b is None:
        return 0
    if a is None:
        return 1
    if b is None:
        return -1
    ka = [_collate(w) for w in a]
    kb = [_collate(w) for w in b]
    r = (ka > kb) - (ka < kb)
    return -r if descending else r


def sort_ids(engine, keys, ids, refs) -> list[str]:
    """Sort reference ids by the style's keys (stable; later keys computed only to break ties)."""
    if not keys:
        return list(ids)
    cache: dict = {}

    def value(i, k):
        v = cache.get((i, k), cache)
        if v is cache:
            v = cache[(i, k)] = sort_value(engine, keys[k], refs[i])
        return v

    def cmp(x, y):
        for k in range(len(keys)):
            r = compare_values(value(x, k), value(y, k), keys[k].descending)
            if r:
                return r
        return 0

    return sorted(ids, key=functools.cmp_to_key(cmp))


def sort_key_values(engine, keys, ref):
    return [sort_value(engine, k, ref) for k in keys]
