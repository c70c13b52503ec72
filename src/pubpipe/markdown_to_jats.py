"""Stage 1: Pandoc Markdown → draft JATS 1.3.

pandoc parses the Markdown into its AST; one pass over the AST here turns
``[@key]`` citations into ``<xref ref-type="bibr">`` links (recording each
cluster's prefixes, locators and modes for the citations stage), numbers
Quarto-style labels (``{#fig-…}``, ``{#tbl-…}``, ``{#eq-…}``, ``{#sec-…}``)
and resolves ``@fig-…`` references to ``<xref>`` with their label text;
pandoc writes that AST as JATS; lxml then puts in the parts pandoc does not
write: the front matter from the metadata model, labels and alt text, ids
where JATS wants them, and the ref-list of structured references.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field
from lxml import etree

from .bibliography import load_bibliography
from .errors import UserError, warn
from .jats import NSMAP, parse_jats, sub
from .jats_front import article_attributes, build_front
from .jats_refs import ref_element, ref_id
from .manuscript import Manuscript, inside
from .pandoc import ast_to_jats, markdown_to_ast
from .untrusted import check_image_file, safe_link

CROSSREF_KINDS = {"fig": ("fig", "Figure"), "tbl": ("table", "Table"),
                  "eq": ("disp-formula", "Equation"), "sec": ("sec", "Section")}
EQ_LABEL_RE = re.compile(r"^\{#(eq-[\w:.-]+)\}(.*)$", re.S)

# Locator labels pandoc's citeproc understands (English terms), → CSL locator names.
LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page",
    "chap": "chapter", "chaps": "chapter", "chapter": "chapter", "chapters": "chapter",
    "sec": "section", "secs": "section", "section": "section", "sections": "section", "§": "section", "§§": "section",
    "para": "paragraph", "paras": "paragraph", "paragraph": "paragraph", "¶": "paragraph", "¶¶": "paragraph",
    "n": "note", "nn": "note", "note": "note", "notes": "note",
    "fig": "figure", "figs": "figure", "figure": "figure", "figures": "figure",
    "vol": "volume", "vols": "volume", "volume": "volume", "volumes": "volume",
    "l": "line", "ll": "line", "line": "line", "lines": "line",
    "col": "column", "cols": "column", "column": "column", "columns": "column",
    "bk": "book", "bks": "book", "book": "book", "books": "book",
    "pt": "part", "pts": "part", "part": "part", "parts": "part",
    "fol": "folio", "fols": "folio", "folio": "folio", "folios": "folio",
    "no": "number", "nos": "number", "number": "number", "numbers": "number",
    "op": "opus", "opp": "opus", "opus": "opus", "v": "verse", "vv": "verse", "verse": "verse",
    "s.v": "sub-verbo", "s.vv": "sub-verbo", "sub verbo": "sub-verbo", "art": "article", "title": "title",
}
_LABEL_ALT = "|".join(sorted((re.escape(k) for k in LOCATOR_LABELS), key=len, reverse=True))
_VALUE = r"(?:[0-9]+(?:\.[0-9]+)*[A-Za-z]?|[ivxlcdmIVXLCDM]+)"
LOCATOR_RE = re.compile(
    rf"^\s*,?\s*(?:(?P<label>{_LABEL_ALT})\.?\s*)?"
    rf"(?:\{{(?P<braced>[^}}]*)\}}|(?P<value>{_VALUE}(?:\s*(?:[-–—,&]|and)\s*{_VALUE}(?![A-Za-z]))*))"
    rf"(?P<rest>(?:[,;:.].*|\s.*)?)$", re.S)


@dataclass
class CiteItem:
    key: str
    rid: str
    prefix: str = ""
    suffix: str = ""
    locator: str = ""
    label: str = ""
    mode: str = "normal"  # normal | author-in-text | suppress-author


@dataclass
class Cluster:
    id: str
    items: list[CiteItem] = field(default_factory=list)
    line: int | None = None


def parse_locator(suffix: str) -> tuple[str, str, str]:
    """Split a citation suffix into (label, locator, remaining suffix), as pandoc does.

    ``", p. 224"`` → ("page", "224", ""); ``", pp. 47, 220"`` → ("page", "47, 220", "");
    ``", chap. 3, emphasis added"`` → ("chapter", "3", ", emphasis added").
    """
    if not suffix.strip():
        return "", "", suffix
    m = LOCATOR_RE.match(suffix)
    if not m:
        return "", "", suffix
    label = LOCATOR_LABELS[m["label"].lower()] if m["label"] else "page"
    value = (m["braced"] if m["braced"] is not None else m["value"]).strip()
    if not m["label"] and not suffix.lstrip().startswith(",") and m["braced"] is None:
        return "", "", suffix  # "[@doe 2nd ed.]": not a locator without a comma or label
    return label, value, m["rest"] or ""


# ---------------------------------------------------------------------------
# Walking pandoc's JSON AST


def stringify(inlines) -> str:
    out: list[str] = []

    def visit(node):
        if isinstance(node, list):
            for n in node:
                visit(n)
            return
        if not isinstance(node, dict):
            return
        t, c = node.get("t"), node.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Code", "Math"):
            out.append(c[1])
        elif t == "Quoted":
            q = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
            out.append(q[0]); visit(c[1]); out.append(q[1])
        elif t == "Cite":
            visit(c[1])
        elif t in ("Link", "Image", "Span"):
            visit(c[1] if t == "Span" else c[1])
        elif t == "Note":
            return
        elif isinstance(c, list):
            visit(c)

    visit(inlines)
    return "".join(out)


def _raw(xml: str) -> dict:
    return {"t": "RawInline", "c": ["jats", xml]}


class _AstPass:
    """One pass over the AST: numbering, cross-references and citation clusters."""

    def __init__(self, ms: Manuscript, bib: dict[str, dict]):
        self.ms = ms
        self.bib = bib
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (ref-type, label text)
        self.fig_alt: dict[str, str] = {}
        self.clusters: list[Cluster] = []
        self.cited: list[str] = []  # keys in first-cited order
        self.sec_numbers: dict[str, str] = {}

    # -- first pass: what can be referenced --------------------------------
    def number_targets(self, blocks: list) -> None:
        counters = {"fig": 0, "tbl": 0, "eq": 0}
        sec = [0] * 7

        def visit(node):
            if isinstance(node, list):
                for n in node:
                    visit(n)
                return
            if not isinstance(node, dict):
                return
            t, c = node.get("t"), node.get("c")
            if t == "Header":
                level, (hid, classes, _), _ = c
                if "unnumbered" not in classes:
                    sec[level] += 1
                    for deeper in range(level + 1, 7):
                        sec[deeper] = 0
                    number = ".".join(str(n) for n in sec[1:level + 1] if n) or str(sec[level])
                    self.sec_numbers[hid] = number
                    if hid.startswith("sec-"):
                        self._target(hid, "sec", f"Section {number}")
            elif t == "Figure":
                fid = c[0][0]
                if fid.startswith("fig-"):
                    counters["fig"] += 1
                    self._target(fid, "fig", f"Figure {counters['fig']}")
                elif not fid:  # an unlabelled figure: not numbered, but it needs an id for its alt text
                    fid = c[0][0] = f"figure-{len(self.fig_alt) + 1}"
                self.fig_alt[fid] = self._figure_alt(c)
            elif t == "Table":
                tid = c[0][0]
                if tid.startswith("tbl-"):
                    counters["tbl"] += 1
                    self._target(tid, "table", f"Table {counters['tbl']}")
            elif t in ("Para", "Plain"):
                self._label_equations(c, counters)
            if isinstance(c, list):
                visit(c)

        visit(blocks)

    def _target(self, tid: str, kind: str, label: str) -> None:
        if tid in self.targets:
            raise UserError(f"the label '{tid}' is used twice.", self.ms.markdown, self.ms.line_of("#" + tid),
                            hint="Give each figure, table, equation and section its own label.")
        self.targets[tid] = (kind, label)

    def _figure_alt(self, c) -> str:
        attrs = {}
        found = []

        def find(node):
            if isinstance(node, list):
                for n in node:
                    find(n)
            elif isinstance(node, dict):
                if node.get("t") == "Image":
                    found.append(node)
                elif isinstance(node.get("c"), list):
                    find(node["c"])

        find(c[2])
        for image in found:
            attrs.update(dict(image["c"][0][2]))
        attrs.update(dict(c[0][2]))
        alt = attrs.get("fig-alt") or attrs.get("alt") or ""
        if not alt:
            caption = stringify(c[1][1]) if c[1] and c[1][1] else ""
            src = found[0]["c"][2][0] if found else ""
            warn(f"the figure {src or c[0][0]} has no alt text (fig-alt=\"…\"); its caption is used instead.",
                 self.ms.markdown, self.ms.line_of(src or "#" + c[0][0]))
            alt = caption or "Figure"
        return alt

    def _label_equations(self, inlines: list, counters: dict) -> None:
        i = 0
        while i < len(inlines):
            node = inlines[i]
            if node.get("t") == "Math" and node["c"][0]["t"] == "DisplayMath":
                j = i + 1
                if j < len(inlines) and inlines[j].get("t") in ("Space", "SoftBreak"):
                    j += 1
                if j < len(inlines) and inlines[j].get("t") == "Str":
                    m = EQ_LABEL_RE.match(inlines[j]["c"])
                    if m:
                        eid = m[1]
                        counters["eq"] += 1
                        self._target(eid, "disp-formula", f"Equation {counters['eq']}")
                        span = {"t": "Span", "c": [[eid, ["pubpipe-equation"], []], [node]]}
                        rest = [{"t": "Str", "c": m[2]}] if m[2] else []
                        inlines[i:j + 1] = [span, *rest]
            i += 1

    # -- second pass: citations and references ------------------------------
    def rewrite(self, node):
        if isinstance(node, list):
            out = []
            for n in node:
                r = self.rewrite(n)
                if isinstance(r, list) and (not r or isinstance(r[0], dict)) and isinstance(n, dict):
                    out.extend(r)
                else:
                    out.append(r)
            return out
        if not isinstance(node, dict):
            return node
        t = node.get("t")
        if t == "Cite":
            return self._cite(node)
        if t in ("RawInline", "RawBlock") and node["c"][0] in ("jats", "xml", "docbook"):
            warn(f"raw {node['c'][0]} in the manuscript is dropped: {node['c'][1][:60]!r}",
                 self.ms.markdown, self.ms.line_of(node["c"][1][:40]))
            return []
        if t == "Image":
            self._check_image(node)
        if t == "Link" and not safe_link(node["c"][2][0]):
            url = node["c"][2][0]
            warn(f"the link to '{url[:60]}' is dropped (only http, https, mailto, doi and # links are kept); "
                 "its text stays.", self.ms.markdown, self.ms.line_of(url[:40]))
            return {"t": "Span", "c": [["", [], []], self.rewrite(node["c"][1])]}
        if "c" in node and isinstance(node["c"], list):
            node["c"] = self.rewrite(node["c"])
        return node

    def _check_image(self, node) -> None:
        url = node["c"][2][0]
        line = self.ms.line_of(url)
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            raise UserError(f"the image '{url}' is not a file in the manuscript folder; pubpipe "
                            "fetches nothing from the network.", self.ms.markdown, line,
                            hint="Save the image in figures/ and point to it there.")
        path = self.ms.folder / url
        if not inside(self.ms.folder, path):
            raise UserError(f"the image '{url}' lies outside the manuscript folder.", self.ms.markdown, line,
                            hint="Copy it into figures/ and point to it there.")
        if not path.is_file():
            raise UserError(f"the image '{url}' does not exist.", self.ms.markdown, line,
                            hint=f"Add {path} or fix the path.")
        check_image_file(path, self.ms.markdown, line)

    def _cite(self, node) -> list:
        citations = node["c"][0]
        keys = [c["citationId"] for c in citations]
        crossrefs = [k for k in keys if k.split("-", 1)[0] in CROSSREF_KINDS and k not in self.bib]
        if crossrefs and len(crossrefs) != len(keys):
            raise UserError(f"one citation mixes cross-references and works: {', '.join(keys)}.",
                            self.ms.markdown, self.ms.line_of("@" + keys[0]),
                            hint="Put cross-references (@fig-…) and citations ([@key]) in separate brackets.")
        if crossrefs:
            return self._crossref(citations)
        cluster = Cluster(id=f"cite-{len(self.clusters) + 1}", line=self.ms.line_of("@" + keys[0]))
        for c in citations:
            key = c["citationId"]
            if key not in self.bib:
                where = self.ms.bibliography[0].name if self.ms.bibliography else "no bibliography"
                raise UserError(f"the citation key '@{key}' is not in the bibliography ({where}).",
                                self.ms.markdown, self.ms.line_of("@" + key),
                                hint="Add an entry with this id to the bibliography or fix the key.")
            suffix = stringify(c["citationSuffix"])
            label, locator, rest = parse_locator(suffix)
            mode = {"AuthorInText": "author-in-text", "SuppressAuthor": "suppress-author"}.get(
                c["citationMode"]["t"], "normal")
            cluster.items.append(CiteItem(key=key, rid=ref_id(key), prefix=stringify(c["citationPrefix"]),
                                          suffix=rest if locator else suffix, locator=locator,
                                          label=label, mode=mode))
            if key not in self.cited:
                self.cited.append(key)
        self.clusters.append(cluster)
        rids = " ".join(dict.fromkeys(i.rid for i in cluster.items))
        text = html.escape(fallback_text(cluster, self.bib), quote=False)
        return [_raw(f'<xref ref-type="bibr" rid="{rids}" id="{cluster.id}">{text}</xref>')]

    def _crossref(self, citations) -> list:
        out = []
        for n, c in enumerate(citations):
            key = c["citationId"]
            if key not in self.targets:
                raise UserError(f"the cross-reference '@{key}' points to no labelled "
                                f"{CROSSREF_KINDS[key.split('-', 1)[0]][1].lower()}.",
                                self.ms.markdown, self.ms.line_of("@" + key),
                                hint=f"Label the target with {{#{key}}} or fix the reference.")
            kind, label = self.targets[key]
            if c["citationMode"]["t"] == "SuppressAuthor":
                label = label.split(" ", 1)[1]
            prefix = stringify(c["citationPrefix"])
            suffix = stringify(c["citationSuffix"])
            if n:
                out.append({"t": "Str", "c": ", "})
            if prefix:
                out.append({"t": "Str", "c": prefix + " "})
            out.append(_raw(f'<xref ref-type="{kind}" rid="{key}">{html.escape(label)}</xref>'))
            if suffix:
                out.append({"t": "Str", "c": suffix})
        return out


def _short_author(item: dict) -> str:
    names = item.get("author") or item.get("editor") or []
    if not names:
        return _plain(item.get("title") or "Anonymous")
    first = names[0]
    name = first.get("family") or first.get("literal") or first.get("given") or ""
    if len(names) == 2:
        second = names[1]
        return f"{name} and {second.get('family') or second.get('literal') or ''}"
    return f"{name} et al." if len(names) > 2 else name


def _plain(value) -> str:
    return re.sub(r"<[^>]+>", "", str(value))


def fallback_text(cluster: Cluster, bib: dict[str, dict]) -> str:
    """Author-year text for a citation before a CSL style formats it."""
    parts = []
    for item in cluster.items:
        entry = bib[item.key]
        issued = (entry.get("issued") or {}).get("date-parts") or [[]]
        year = str(issued[0][0]) if issued and issued[0] else "n.d."
        locator = f", {item.locator}" if item.locator else ""
        if item.mode == "author-in-text":
            text = f"{_short_author(entry)} ({year}{locator})"
        elif item.mode == "suppress-author":
            text = f"{year}{locator}"
        else:
            text = f"{_short_author(entry)} {year}{locator}"
        parts.append(" ".join(p for p in (item.prefix, text + item.suffix) if p))
    joined = "; ".join(parts)
    if all(i.mode == "author-in-text" for i in cluster.items):
        return joined
    return f"({joined})"


# ---------------------------------------------------------------------------
# Extra blocks carrying rich metadata through pandoc


def _meta_blocks(value) -> list:
    if not isinstance(value, dict):
        return []
    t, c = value.get("t"), value.get("c")
    if t == "MetaBlocks":
        return c
    if t == "MetaInlines":
        return [{"t": "Para", "c": c}]
    if t == "MetaString":
        return [{"t": "Para", "c": [{"t": "Str", "c": c}]}]
    return []


def _add_bio_blocks(ast: dict) -> None:
    authors = ast.get("meta", {}).get("author")
    if not authors:
        return
    items = authors["c"] if authors.get("t") == "MetaList" else [authors]
    for index, author in enumerate(items):
        if author.get("t") == "MetaMap" and "bio" in author["c"]:
            blocks = _meta_blocks(author["c"]["bio"])
            if blocks:
                ast["blocks"].append({"t": "Div", "c": [[f"pubpipe-bio-{index}", [], []], blocks]})


# ---------------------------------------------------------------------------
# JATS post-processing


def _finish_jats(root: etree._Element, ms: Manuscript, ast_pass: _AstPass, bib: dict[str, dict]) -> etree._Element:
    old_front = root.find("front")
    rich = {}
    if old_front is not None:
        for tag in ("article-title", "subtitle", "abstract"):
            el = old_front.find(f".//{tag}")
            if el is not None and (len(el) or (el.text or "").strip()):
                rich[tag] = el
        abstract = rich.get("abstract")
        blocks = ("p", "sec", "list", "disp-quote", "def-list", "table-wrap", "fig", "disp-formula", "preformat")
        if abstract is not None and ((abstract.text or "").strip() or any(c.tag not in blocks for c in abstract)):
            # a one-line YAML abstract arrives as bare inline content, which JATS does not allow
            p = etree.Element("p")
            p.text = (abstract.text or "").lstrip()
            for child in list(abstract):
                p.append(child)
            if len(p):
                p[-1].tail = (p[-1].tail or "").rstrip() or None
            else:
                p.text = p.text.rstrip()
            abstract.text = None
            abstract.append(p)
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    bios = {}
    for box in list(body.iter("boxed-text")):
        box_id = box.get("id", "")
        if box_id.startswith("pubpipe-bio-"):
            bios[int(box_id.rsplit("-", 1)[1])] = box
            box.getparent().remove(box)

    article = etree.Element("article", nsmap=NSMAP)
    article_attributes(article, ms.meta)
    article.append(build_front(ms.meta, rich, bios))
    article.append(body)
    back = root.find("back")
    if back is None:
        back = etree.Element("back")
    _label_figures(body, ast_pass)
    _label_tables(body, ast_pass)
    _label_equations(body, ast_pass)
    _label_sections(body, ast_pass, ms.meta.number_sections)
    if ast_pass.cited:
        ref_list = sub(back, "ref-list")
        sub(ref_list, "title", "References")
        for key in ast_pass.cited:
            ref_list.append(ref_element(key, bib[key]))
    if len(back):
        article.append(back)
    return article


def _label_figures(body, ast_pass: _AstPass) -> None:
    for fig in body.iter("fig"):
        fid = fig.get("id", "")
        if fid in ast_pass.targets:
            label = etree.Element("label")
            label.text = ast_pass.targets[fid][1]
            fig.insert(0, label)
        alt = ast_pass.fig_alt.get(fid)
        for graphic in fig.iter("graphic"):
            if alt and graphic.find("alt-text") is None:
                sub(graphic, "alt-text", alt)


def _label_tables(body, ast_pass: _AstPass) -> None:
    for table in list(body.iter("table")):
        tid = table.get("id")
        wrap = table.getparent()
        if wrap.tag != "table-wrap":
            continue
        if tid:
            del table.attrib["id"]
            wrap.set("id", tid)
        if tid in ast_pass.targets:
            label = etree.Element("label")
            label.text = ast_pass.targets[tid][1]
            wrap.insert(0, label)


def _label_equations(body, ast_pass: _AstPass) -> None:
    for span in list(body.iter("styled-content", "named-content")):
        eid = span.get("id", "")
        formula = span.find("disp-formula")
        if eid not in ast_pass.targets or formula is None:
            continue
        formula.set("id", eid)
        label = etree.Element("label")
        label.text = f"({ast_pass.targets[eid][1].split(' ', 1)[1]})"
        formula.insert(0, label)
        parent = span.getparent()
        index = parent.index(span)
        formula.tail = (formula.tail or "") + (span.tail or "")
        parent.remove(span)
        parent.insert(index, formula)


def _label_sections(body, ast_pass: _AstPass, numbered: bool) -> None:
    if not numbered:
        return
    for sec in body.iter("sec"):
        number = ast_pass.sec_numbers.get(sec.get("id", ""))
        title = sec.find("title")
        if number and title is not None:
            label = etree.Element("label")
            label.text = number
            title.addprevious(label)


# ---------------------------------------------------------------------------


@dataclass
class Draft:
    """The draft JATS and what the citations stage needs beside it."""

    tree: etree._ElementTree
    clusters: list[Cluster]
    bibliography: dict[str, dict]

    def clusters_json(self) -> list[dict]:
        return [asdict(c) for c in self.clusters]


def markdown_to_jats(ms: Manuscript) -> Draft:
    """Convert manuscript *ms* into draft JATS (citations linked, not yet styled)."""
    bib = load_bibliography(ms.bibliography)
    ast = markdown_to_ast(ms.text, ms.markdown)
    ast_pass = _AstPass(ms, bib)
    ast_pass.number_targets(ast["blocks"])
    ast["blocks"] = ast_pass.rewrite(ast["blocks"])
    _add_bio_blocks(ast)
    jats = ast_to_jats(ast, ms.markdown)
    root = parse_jats(jats, ms.markdown).getroot()
    article = _finish_jats(root, ms, ast_pass, bib)
    return Draft(tree=etree.ElementTree(article), clusters=ast_pass.clusters, bibliography=bib)

