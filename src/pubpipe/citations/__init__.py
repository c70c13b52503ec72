"""Citations: the draft JATS's citation links formatted in a CSL style.

    tree = apply_citations(draft, ms, style=None)

takes the draft from :func:`pubpipe.markdown_to_jats.markdown_to_jats` (one
``<xref ref-type="bibr" id="cite-N">`` per citation cluster, a ``<ref>`` with
an ``<element-citation>`` per cited work) and returns the same tree with

* the formatted citation in each ``xref`` (author-date: "(Paige 1964, 224)";
  numeric: "[1–3]"), or -- for a note style -- each body citation turned
  into a footnote of its own, citations inside the author’s notes formatted
  in place, and all notes renumbered in call order;
* every ``<ref>`` holding ``<citation-alternatives>`` with its
  ``<element-citation>`` and a ``<mixed-citation>`` (the bibliography entry
  in the style, with JATS italics, small caps, links), a ``<label>`` for
  numeric styles, and the ref-list in the style's order.

The engine is citeproc-py with our repairs (:mod:`.engine`, :mod:`.repairs`).
The style is ``style`` (``--style`` / ``doit style=…``), else the front
matter's ``csl:``, else chicago-author-date (:mod:`.styles`); the locale is the
front matter's ``lang`` (en-GB and en-US differ in quotes and punctuation).
"""

from __future__ import annotations

import functools

from lxml import etree

from ..errors import UserError
from .engine import CitationRequest, CiteRequest, Engine, PlainText, StyleError
from .jats_output import append_rich, split_margin
from .notes import plan, renumber_notes, replace_with_call
from .references import make_reference
from .richtext import Span, case_transform, remove_final_period, text_of
from .styles import ResolvedStyle, list_styles, resolve_style

__all__ = ["apply_citations", "list_styles", "resolve_style", "format_citations"]

MODES = {"normal": "normal", "author-in-text": "author-only", "suppress-author": "suppress-author"}


@functools.lru_cache(maxsize=16)
def _engine(path: str, mtime: float, lang: str | None) -> Engine:
    return Engine(path, lang)


def get_engine(resolved: ResolvedStyle, lang: str | None) -> Engine:
    try:
        return _engine(str(resolved.path), resolved.path.stat().st_mtime, lang)
    except StyleError as exc:
        raise UserError(f"the style cannot be used: {exc}.", resolved.path) from None
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the style is not well-formed XML: {exc.msg}.", resolved.path) from None


def choose_lang(ms_lang: str | None, resolved: ResolvedStyle) -> str | None:
    """The locale: the manuscript's language, unless it is a bare 'en' and the style names a dialect."""
    lang = (ms_lang or "").strip()
    if not lang or lang.lower() == "en":
        return resolved.default_locale or (lang or None)
    return lang


def _cite_requests(cluster) -> list[CiteRequest]:
    out = []
    for item in cluster.items:
        loc = item.locator or None
        prefix = item.prefix or None
        suffix = item.suffix or None
        if prefix and not prefix.endswith(" "):
            prefix += " "
        if suffix and not suffix.startswith((" ", ",", ";", ".", ":")):
            suffix = " " + suffix
        prefix = PlainText(prefix) if prefix else None
        suffix = PlainText(suffix) if suffix else None
        if item.mode == "author-in-text":
            out.append(CiteRequest(item.key, prefix=prefix, mode="author-only"))
            out.append(CiteRequest(item.key, locator=loc, label=item.label or ("page" if loc else None),
                                   suffix=suffix, mode="suppress-author"))
        else:
            out.append(CiteRequest(item.key, locator=loc, label=item.label or ("page" if loc else None),
                                   prefix=prefix, suffix=suffix, mode=MODES.get(item.mode, "normal")))
    return out


def format_citations(engine: Engine, bibliography: dict, clusters: list, note_numbers: dict | None = None):
    """Run the engine: ({cluster id: (in-text rich, note rich or None)}, [(key, rich)] bibliography)."""
    cited = list(dict.fromkeys(i.key for c in clusters for i in c.items))
    refs = []
    for key in cited:
        item = bibliography[key]
        try:
            refs.append(make_reference(item, engine.locale.quotes))
        except Exception as exc:  # pragma: no cover - bibliography.py checks entries first
            raise UserError(f"entry '{key}' cannot be read ({exc}).") from None
    requests = [CitationRequest(_cite_requests(c), note_number=(note_numbers or {}).get(c.id), id=c.id)
                for c in clusters]
    result = engine.process(refs, requests, bibliography_ids=cited)
    return {c.id: r for c, r in zip(clusters, result.citation_parts)}, result.bibliography


def apply_citations(draft, ms, style: str | None = None) -> etree._ElementTree:
    """Format the draft's citations and references in the CSL style (see module docs)."""
    root = draft.tree.getroot()
    if not style and ms.meta.csl:
        _check_manuscript_style_path(ms)
    resolved = resolve_style(style or ms.meta.csl or None, ms.folder, ms.markdown)
    lang = choose_lang(getattr(ms.meta, "lang", None), resolved)
    engine = get_engine(resolved, lang)
    note_style = engine.is_note_style
    placement = plan(root, note_style)
    by_id = {c.id: c for c in draft.clusters}
    ordered = [by_id[p.cluster_id] for p in placement.placements if p.cluster_id in by_id]
    seen = {c.id for c in ordered}
    ordered += [c for c in draft.clusters if c.id not in seen]
    note_numbers = {p.cluster_id: p.note_number for p in placement.placements if p.note_number is not None}
    texts, bibliography = format_citations(engine, draft.bibliography, ordered, note_numbers)
    quotes = engine.locale.quotes
    xrefs = {p.cluster_id: p for p in placement.placements}
    new_fns: dict[str, etree._Element] = {}
    piq = engine.locale.punctuation_in_quote
    for cluster in ordered:
        p = xrefs.get(cluster.id)
        if p is None:
            continue
        text_part, note_part = texts[cluster.id]
        if note_style and p.in_note is None:
            new_fns[cluster.id] = _body_note(p, text_part, note_part, quotes, piq)
        elif note_style:
            _fill_xref(p.xref, _in_note_citation(p, cluster, text_part, note_part, engine), quotes)
        else:
            rich = text_part + ([" "] if text_part and note_part else []) + (note_part or [])
            _fill_xref(p.xref, rich, quotes)
            if _is_superscript(rich):
                _drop_space_before(p.xref)
    if note_style:
        renumber_notes(root, placement, new_fns)
    _write_references(root, bibliography, engine, quotes)
    return draft.tree


def _check_manuscript_style_path(ms) -> None:
    """A style the manuscript names as a path must lie in its own folder (a manuscript is untrusted;
    ``--style`` and ``doit style=`` come from whoever runs the build and may point anywhere)."""
    from pathlib import Path

    from ..manuscript import inside

    name = ms.meta.csl
    if name.endswith(".csl") or "/" in name or "\\" in name:
        path = Path(name).expanduser()
        if path.is_absolute() or not inside(ms.folder, ms.folder / path):
            raise UserError(f"the front matter's csl: '{name}' lies outside the manuscript folder.", ms.markdown,
                            ms.line_of("csl:"), hint="Put the .csl file in the manuscript folder (or its csl/) "
                            "and name it relative to it, or pass --style to the build.")


def _is_superscript(rich: list) -> bool:
    items = [i for i in rich if not (isinstance(i, str) and not i.strip())]
    return len(items) == 1 and isinstance(items[0], Span) and items[0].kind == "sup"


def _drop_space_before(node: etree._Element) -> None:
    prev = node.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "").rstrip(" ")
    else:
        parent = node.getparent()
        parent.text = (parent.text or "").rstrip(" ")


def _in_note_citation(p, cluster, text_part: list, note_part: list | None, engine: Engine) -> list:
    """A citation inside the author's note, in a note style (no notes inside notes).

    The citation is written as the note text it would be on its own, inside the author's
    sentence, as the Chicago Manual has it ("See Cheehyung Kim, “Total …,” 92, for further
    discussion."): no parentheses (pandoc adds them), and no final period where the
    author's sentence goes on. "@key" gives "Author, rest".
    """
    tail = (p.xref.tail or "").strip()
    if any(i.mode == "author-in-text" for i in cluster.items) and text_part and note_part:
        needs_period = not tail or tail[:1].isupper()
        return text_part + [", "] + (note_part if needs_period else remove_final_period(note_part))
    rich = text_part + ([" "] if text_part and note_part else []) + (note_part or [])
    if not tail or tail[:1].isupper() or tail.startswith("."):
        return rich  # the note (or the sentence) ends with the citation; _fill_xref merges periods
    return remove_final_period(rich)


def _fill_xref(xref: etree._Element, rich: list, quotes) -> None:
    tail = xref.tail
    for child in list(xref):
        xref.remove(child)
    xref.text = None
    append_rich(xref, rich, quotes, links=False)
    xref.tail = tail
    if tail and tail.startswith(".") and text_of(rich).rstrip().endswith("."):
        xref.tail = tail[1:]


def _body_note(p, text_part: list, note_part: list | None, quotes, piq: bool) -> etree._Element:
    """A body citation in a note style: the note call (and any in-text part) in the body, the rest in a new note."""
    xref = p.xref
    rids = xref.get("rid")
    if note_part is None:
        note_part, text_part = text_part, []
    note_part = case_transform(note_part, "capitalize-first")
    fn = etree.Element("fn", id=f"pubpipe-new-{p.cluster_id}")
    etree.SubElement(fn, "label").text = str(p.note_number)
    para = etree.SubElement(fn, "p")
    inner = etree.SubElement(para, "xref", {"ref-type": "bibr", "rid": rids, "id": p.cluster_id})
    append_rich(inner, note_part, quotes, links=False)
    call = etree.Element("xref", {"ref-type": "fn", "rid": fn.get("id")})
    call.text = str(p.note_number)
    if text_part:
        # "@key" in a note style: the author's name stays in the text, linked, with the call after it
        visible = etree.Element("xref", {"ref-type": "bibr", "rid": rids})
        append_rich(visible, text_part, quotes, links=False)
        visible.tail = xref.tail
        xref.getparent().replace(xref, visible)
        _call_after(visible, call)
    else:
        replace_with_call(xref, call, piq)
    return fn


def _call_after(node: etree._Element, call: etree._Element) -> None:
    from .notes import PUNCT_AFTER

    tail = node.tail or ""
    m = PUNCT_AFTER.match(tail)
    moved = m.group(1) if m else ""
    node.tail = moved
    call.tail = tail[len(moved):]
    node.addnext(call)


def _write_references(root: etree._Element, bibliography: list, engine: Engine, quotes) -> None:
    back = root.find("back")
    ref_list = back.find("ref-list") if back is not None else None
    if ref_list is None:
        return
    refs = {r.get("id"): r for r in ref_list.findall("ref")}
    from ..jats_refs import ref_id

    ordered = []
    entries = {key: rich for key, rich in bibliography}
    for key, _ in bibliography:
        r = refs.get(ref_id(key))
        if r is not None:
            ordered.append((key, r))
    placed = {id(r) for _, r in ordered}
    ordered += [(None, r) for r in ref_list.findall("ref") if id(r) not in placed]
    for _, r in ordered:
        ref_list.remove(r)
    for key, r in ordered:
        ref_list.append(r)
        rich = entries.get(key) if key is not None else None
        if not rich or not text_of(rich).strip():
            continue
        ec = r.find("element-citation")
        if ec is None:
            continue
        label_rich, body = split_margin(rich)
        if not text_of(body).strip():  # the style printed nothing but a number for this entry
            continue
        alt = etree.Element("citation-alternatives")
        r.replace(ec, alt)
        alt.append(ec)
        mc = etree.SubElement(alt, "mixed-citation", {"publication-type": ec.get("publication-type", "other")})
        lang = ec.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            mc.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        append_rich(mc, body, quotes, links=True)
        if label_rich and text_of(label_rich).strip() and r.find("label") is None:
            label = etree.Element("label")
            append_rich(label, label_rich, quotes, links=False)
            label.text = (label.text or "").strip()
            r.insert(0, label)
