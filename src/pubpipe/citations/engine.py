"""The citation engine: citeproc-py's style model with our repaired elements.

citeproc-py (mandated for this project) parses and validates the CSL style,
provides the element classes, the bundled locales and CSL's data model. We
parse the style with citeproc-py's element classes *subclassed* by the
repairs in :mod:`.repairs` (each repair module names the defects it fixes),
read every element's attributes once, and drive the whole run here:

1. citation numbers and the bibliography order (``cs:bibliography/cs:sort``);
2. cites sorted inside each citation (``cs:citation/cs:sort``);
3. positions (first, subsequent, ibid, ibid-with-locator, near-note) over the
   whole document in note order;
4. every citation evaluated to an output tree, then disambiguated
   (names, given names, year suffixes, ``disambiguate="true"``);
5. collapsing and grouping (``collapse``, ``cite-group-delimiter``),
   author-only and suppress-author cites;
6. the bibliography, with ``subsequent-author-substitute``;
7. rendering to rich text: punctuation merged, quotes localised and flipped,
   punctuation moved inside quotes where the locale says so.

Nothing here knows about JATS; :mod:`pubpipe.citations` writes the result in.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from citeproc import model
from lxml import etree

from .locale import CSL_NS, build_locale
from .output import Renderer, Tagged, grouped, transform
from .references import Reference
from .repairs import REPAIRED_CLASSES
from .repairs.base import Disamb, Node
from .repairs.collapse import group_and_collapse, remove_names
from .repairs.disambiguation import disambiguate
from .repairs.layout import eval_layout, handle_author_only
from .repairs.names import inherited_name_attrs
from .repairs.positions import compute_positions
from .repairs.sorting import sort_ids, sort_key_values
from .richtext import has_quotes, punctuation_inside_quotes, strip_spaces_end, text_of


class StyleError(Exception):
    """The CSL style cannot be used (not CSL, or refers to undefined macros)."""


class PlainText(str):
    """A cite prefix or suffix that is plain text (from the manuscript), not CSL-JSON markup."""


@dataclass
class CiteRequest:
    id: str
    locator: str | None = None
    label: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    mode: str = "normal"  # normal | author-only | suppress-author


@dataclass
class CitationRequest:
    items: list[CiteRequest]
    note_number: int | None = None
    id: str | None = None


@dataclass
class Result:
    citations: list = field(default_factory=list)      # rich text per citation
    bibliography: list = field(default_factory=list)   # (id, rich text) in the style's order
    citation_parts: list = field(default_factory=list)  # per citation: (in-text rich, note rich or None)


class Strategy:
    def __init__(self, citation):
        a = citation.attrib if citation is not None else {}
        self.add_names = a.get("disambiguate-add-names") == "true"
        self.add_givenname = a.get("disambiguate-add-givenname") == "true"
        self.givenname_rule = a.get("givenname-disambiguation-rule", "by-cite")
        self.add_year_suffix = a.get("disambiguate-add-year-suffix") == "true"


def _lookup():
    lookup = etree.ElementNamespaceClassLookup()
    namespace = lookup.get_namespace(CSL_NS)
    namespace[None] = model.CitationStylesElement
    for cls in model.CitationStylesElement.__subclasses__():
        namespace[cls.__name__.replace("_", "-").lower()] = cls
    namespace.update(REPAIRED_CLASSES)
    return lookup


_LOOKUP = _lookup()


def csl_parser() -> etree.XMLParser:
    parser = etree.XMLParser(remove_comments=True, encoding="UTF-8", no_network=True,
                             resolve_entities=False, load_dtd=False)
    parser.set_element_class_lookup(_LOOKUP)
    return parser


_LOCALE_CACHE: dict[str, object] = {}


def _parse_locale_file(path: str):
    root = _LOCALE_CACHE.get(path)
    if root is None:
        root = etree.parse(path, csl_parser()).getroot()
        keep = list(root.iter())
        root._keepalive = keep  # lxml proxies must stay alive: they carry prepared attributes
        for el in reversed(keep):
            if isinstance(el, Node):
                el.prep(None)
        _LOCALE_CACHE[path] = root
    return root


class Engine:
    """One CSL style in one locale, ready to format citations and bibliographies."""

    def __init__(self, style: str | Path | bytes, lang: str | None = None):
        if isinstance(style, bytes):
            tree = etree.parse(io.BytesIO(style), csl_parser())
        else:
            tree = etree.parse(str(style), csl_parser())
        root = self.root = tree.getroot()
        if root.tag != f"{{{CSL_NS}}}style":
            raise StyleError("the root element is not a CSL <style>")
        self._keepalive = list(root.iter())
        self.macros = {m.get("name"): m for m in root.findall(f"{{{CSL_NS}}}macro")}
        self.citation = root.find(f"{{{CSL_NS}}}citation")
        self.bibliography = root.find(f"{{{CSL_NS}}}bibliography")
        if self.citation is None:
            raise StyleError("the style has no <citation> element")
        a = root.attrib
        self.is_note_style = a.get("class") == "note"
        self.demote_ndp = a.get("demote-non-dropping-particle", "display-and-sort")
        self.initialize_with_hyphen = a.get("initialize-with-hyphen", "true") == "true"
        self.page_range_format = a.get("page-range-format")
        self.default_locale = a.get("default-locale")
        self.locale = build_locale(root, lang or self.default_locale or "en-US", _parse_locale_file)
        for el in reversed(self._keepalive):
            if isinstance(el, Node):
                el.prep(self)
        ca = self.citation.attrib
        self.near_note_distance = int(ca.get("near-note-distance", "5") or 5)
        self.collapse = ca.get("collapse")
        self.cite_group_delimiter = ca.get("cite-group-delimiter") or (", " if self.collapse else None)
        layout_delim = self.citation.layout.fmt.delimiter if self.citation.layout is not None else None
        self.year_suffix_delimiter = ca.get("year-suffix-delimiter", layout_delim)
        self.after_collapse_delimiter = ca.get("after-collapse-delimiter", layout_delim)
        self.disambiguation = Strategy(self.citation)
        ba = self.bibliography.attrib if self.bibliography is not None else {}
        self.second_field_align = ba.get("second-field-align") in ("flush", "margin")
        self.subsequent_author_substitute = ba.get("subsequent-author-substitute")
        self.subsequent_author_substitute_rule = ba.get("subsequent-author-substitute-rule", "complete-all")
        self.citation_name_attrs = inherited_name_attrs(root, self.citation)
        self.bibliography_name_attrs = inherited_name_attrs(root, self.bibliography)
        for owner, attrs in ((self.citation, self.citation_name_attrs),
                             (self.bibliography, self.bibliography_name_attrs)):
            if owner is not None:
                for key in owner.keys:
                    key.inherited = {**attrs, **inherited_name_attrs(key)}
        layouts = [x.layout for x in (self.citation, self.bibliography) if x is not None and x.layout is not None]
        self.uses_year_suffix_variable = any(_uses_year_suffix(l) for l in layouts)
        self.renderer = Renderer(self.locale.quotes)
        self.refs: dict[str, Reference] = {}
        self._disamb: dict[str, Disamb] = {}
        self.first_note: dict[str, int] = {}
        self._bib_pos: dict[str, int] = {}
        self.item_cache: dict = {}

    # -- helpers used by the elements --------------------------------------
    def style_error(self, message: str):
        raise StyleError(message)

    def disamb_of(self, rid: str):
        return self._disamb.get(rid)

    def disamb_for(self, rid: str) -> Disamb:
        d = self._disamb.get(rid)
        if d is None:
            d = self._disamb[rid] = Disamb()
        return d

    def bib_position(self, rid: str) -> int:
        return self._bib_pos.get(rid, 1 << 30)

    def render_plain(self, outputs) -> str:
        return text_of(self.renderer.render(grouped(outputs)))

    # -- the run ------------------------------------------------------------
    def process(self, references: list[Reference], citations: list[CitationRequest],
                bibliography_ids: list[str] | None = None) -> Result:
        """Format *citations* (document order) and the bibliography of *references*.

        The bibliography holds *bibliography_ids* (default: every reference).
        """
        refs = self.refs = {}
        self.item_cache = {}
        for r in references:
            refs[r.id] = Reference(r.id, r.type, dict(r.vars))
        self._disamb = {}
        cited = list(dict.fromkeys(i.id for c in citations for i in c.items if i.id in refs))
        cited_set = set(cited)
        order = cited + [r.id for r in references if r.id not in cited_set]
        self._number(order)
        bib_ids = [i for i in (bibliography_ids if bibliography_ids is not None else order) if i in refs]
        if self.bibliography is not None:
            bib_sorted = sort_ids(self, self.bibliography.keys, bib_ids, refs)
            keys = self.bibliography.keys
            in_bib = set(bib_sorted)
            rest = [i for i in order if i not in in_bib]
            if keys and keys[0].variable == "citation-number" and keys[0].descending:
                self._number(list(reversed(bib_sorted)) + rest)
            else:
                self._number(bib_sorted + rest)
        else:
            bib_sorted = bib_ids
        self._bib_pos = {rid: n for n, rid in enumerate(bib_sorted)}
        citations = [self._sort_items(c) for c in citations]
        positions, self.first_note = compute_positions(citations, self.is_note_style, self.near_note_distance)
        ghost_ids = [rid for rid in refs if rid not in cited_set]
        ghosts = [CitationRequest([CiteRequest(rid)]) for rid in ghost_ids]
        ghost_positions = [[("first",)] for _ in ghosts]
        layout = self.citation.layout

        def render_all():
            return [eval_layout(self, layout, c, p, bibliography=False)
                    for c, p in zip(citations + ghosts, positions + ghost_positions)]

        cites = disambiguate(self, render_all, len(citations))
        if self.cite_group_delimiter is not None or self.collapse:
            cites = [group_and_collapse(c, self.cite_group_delimiter or ", ", self.year_suffix_delimiter,
                                        self.after_collapse_delimiter, self.collapse) for c in cites]
        cites = [_suppress_authors(handle_author_only(c, self.is_note_style)) for c in cites]
        result = Result()
        for c in cites:
            parts = self.finish_parts(c)
            result.citation_parts.append(parts)
            text, note = parts
            result.citations.append(text + ([" "] if text and note else []) + (note or []) if note is not None
                                    else text)
        if self.bibliography is not None and self.bibliography.layout is not None:
            entries = [eval_layout(self, self.bibliography.layout, CitationRequest([CiteRequest(rid)]), None,
                                   bibliography=True) for rid in bib_sorted]
            if self.subsequent_author_substitute is not None:
                from .repairs.substitute import subsequent_author_substitute

                entries = subsequent_author_substitute(entries, self.subsequent_author_substitute,
                                                       self.subsequent_author_substitute_rule)
            result.bibliography = [(rid, self.finish(e)) for rid, e in zip(bib_sorted, entries)]
        else:
            # a style without a bibliography: each work as its first, full citation
            entries = [eval_layout(self, layout, CitationRequest([CiteRequest(rid)]), [("first",)],
                                   bibliography=False) for rid in bib_sorted]
            result.bibliography = [(rid, self.finish(e)) for rid, e in zip(bib_sorted, entries)]
        return result

    def finish(self, node) -> list:
        rich = strip_spaces_end(self.renderer.render(node))
        if self.locale.punctuation_in_quote and has_quotes(rich):
            rich = punctuation_inside_quotes(rich)
        return rich

    def finish_parts(self, node) -> tuple[list, list | None]:
        """(in-text part, note part) of a citation: note styles put (part of) a citation in a note."""
        from .output import Formatted, InNote

        if type(node) is InNote:
            return [], self.finish(node)
        if type(node) is Formatted and node.children and type(node.children[-1]) is InNote:
            head = Formatted(node.fmt, node.children[:-1])
            return self.finish(head), self.finish(node.children[-1])
        return self.finish(node), None

    def _number(self, order: list[str]) -> None:
        for n, rid in enumerate(order, start=1):
            ref = self.refs[rid]
            ref.vars["citation-number"] = n
            if "citation-label" not in ref.vars:
                ref.vars["citation-label"] = [_citation_label(ref)]

    def _sort_items(self, citation: CitationRequest) -> CitationRequest:
        keys = self.citation.keys
        if not keys or len(citation.items) < 2:
            return citation
        values = {}
        for item in citation.items:
            if item.id in self.refs and item.id not in values:
                values[item.id] = sort_key_values(self, keys, self.refs[item.id])
        groups: list[list[CiteRequest]] = []
        for item in citation.items:
            if groups and not groups[-1][-1].suffix and not item.prefix:
                groups[-1].append(item)
            else:
                groups.append([item])
        import functools

        from .repairs.sorting import compare_values

        def cmp(x, y):
            vx, vy = values.get(x.id), values.get(y.id)
            if vx is None or vy is None:
                return 0 if vx is vy else (1 if vx is None else -1)
            for k, (a, b) in enumerate(zip(vx, vy)):
                r = compare_values(a, b, keys[k].descending)
                if r:
                    return r
            return 0

        items = [i for g in groups for i in sorted(g, key=functools.cmp_to_key(cmp))]
        return CitationRequest(items, citation.note_number, citation.id)


def _uses_year_suffix(el) -> bool:
    """Does a layout (or a macro it calls) place the year-suffix variable itself?"""
    from .repairs.text import Text

    seen = set()
    stack = [el]
    while stack:
        e = stack.pop()
        for node in e.iter():
            if isinstance(node, Text):
                if node.variable == "year-suffix":
                    return True
                if node.macro is not None and id(node.macro) not in seen:
                    seen.add(id(node.macro))
                    stack.append(node.macro)
    return False


def _suppress_authors(node):
    def fn(n):
        if type(n) is Tagged and n.tag[0] == "item" and n.tag[1] == "suppress-author":
            return Tagged(n.tag, remove_names(n.child))
        return n

    return transform(node, fn)


def _citation_label(ref: Reference) -> str:
    from .references import Date, Name

    names = None
    if "author" in ref.vars:
        names = ref.vars["author"]
    else:
        for k, v in sorted(ref.vars.items()):
            if isinstance(v, list) and v and isinstance(v[0], Name):
                names = v
                break
    if names:
        x = 2 if len(names) > 1 else 3
        namepart = "".join((n.family or "")[:x] for n in names)
    else:
        namepart = "Xyz"
    datepart = ""
    for k in sorted(ref.vars):
        v = ref.vars[k]
        if isinstance(v, Date) and v.parts and v.parts[0]:
            datepart = str(v.parts[0][0] % 100)
            break
    return namepart + datepart
