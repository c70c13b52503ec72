#!/usr/bin/env python3
"""Run pubpipe's citation engine over the official CSL test suite.

    .venv/bin/python bench/csl_suite.py                 # counts per group, then the total
    .venv/bin/python bench/csl_suite.py --json out.json # also write the figures as JSON
    .venv/bin/python bench/csl_suite.py -k name_ -v     # only fixtures matching, show failures

The fixtures are ../shared/csl-test-suite/humans (847 human-readable files of
citation-style-language/test-suite). Each is run the way the reference
processor's own harness runs them: the citations (CITATION-ITEMS or
CITATIONS, else one citation of every item) or the bibliography are rendered
as the suite's HTML and compared with RESULT character for character.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pubpipe.citations.engine import CitationRequest, CiteRequest, Engine  # noqa: E402
from pubpipe.citations.references import make_reference  # noqa: E402
from pubpipe.citations.richtext import render_html  # noqa: E402

SUITE = ROOT.parent / "shared" / "csl-test-suite" / "humans"


def sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = None
    buf: list[str] = []
    for line in text.splitlines():
        if line.startswith(">>=="):
            current = re.sub(r"[^A-Za-z-]", "", line).lower()
            buf = []
        elif line.startswith("<<==") and current is not None:
            out[current] = "\n".join(buf)
            current = None
        elif current is not None:
            buf.append(line)
    return out


def _item(d: dict) -> CiteRequest:
    mode = "normal"
    if d.get("suppress-author") in (True, "true", 1):
        mode = "suppress-author"
    if d.get("author-only") in (True, "true", 1):
        mode = "author-only"
    loc = d.get("locator")
    return CiteRequest(id=str(d["id"]), locator=None if loc is None else str(loc), label=d.get("label"),
                       prefix=d.get("prefix"), suffix=d.get("suffix"), mode=mode)


def run_fixture(path: Path) -> tuple[bool, str, str]:
    """(passed, expected, actual) for one fixture."""
    s = sections(path.read_text(encoding="utf-8-sig"))
    mode = s.get("mode", "").strip()
    expected = s.get("result", "")
    items = json.loads(s["input"])
    refs = []
    for it in items:
        it = dict(it)
        it["id"] = str(it.get("id", ""))
        refs.append(make_reference(it))
    engine = Engine(s["csl"].encode("utf-8"))
    citations: list[CitationRequest] = []
    if "citations" in s:
        raw = json.loads(s["citations"])
        seen: dict = {}
        lst = []
        for entry in raw:
            c = entry[0] if isinstance(entry, list) else entry
            lst.append(c)
        # later citations replace earlier ones with the same citationID
        dedup = []
        for k, c in enumerate(lst):
            cid = c.get("citationID")
            if cid is not None and any(o.get("citationID") == cid for o in lst[k + 1:]):
                continue
            dedup.append(c)
        for c in dedup:
            note = (c.get("properties") or {}).get("noteIndex")
            citations.append(CitationRequest([_item(i) for i in c.get("citationItems", [])],
                                             note_number=note, id=c.get("citationID")))
        expected = "\n".join(re.sub(r"^[>.\[\]0-9]*\s*", "", line) for line in expected.splitlines())
    elif "citation-items" in s:
        for c in json.loads(s["citation-items"]):
            citations.append(CitationRequest([_item(i) for i in c]))
    elif mode == "citation":
        citations.append(CitationRequest([CiteRequest(r.id) for r in refs]))
    bib_ids = None
    if "bibentries" in s:
        entries = json.loads(s["bibentries"])
        if entries:
            bib_ids = [str(x) for x in entries[-1]]
    result = engine.process(refs, citations, bibliography_ids=bib_ids)
    quotes = engine.locale.quotes
    if mode == "citation":
        actual = "\n".join(render_html(c, quotes) for c in result.citations)
    elif mode == "bibliography":
        lines = ['<div class="csl-bib-body">']
        for _, entry in result.bibliography:
            t = render_html(entry, quotes)
            if t.startswith("<div"):
                lines.append('  <div class="csl-entry">\n    ' + t + "\n  </div>")
            elif t.endswith("</div>"):
                lines.append('  <div class="csl-entry">' + t + "\n  </div>")
            else:
                lines.append('  <div class="csl-entry">' + t + "</div>")
        lines.append("</div>")
        actual = "\n".join(lines)
    else:
        actual = f"<unsupported mode {mode!r}>"
    return actual == expected, expected, actual


def fixtures(pattern: str | None = None) -> list[Path]:
    files = sorted(p for p in SUITE.glob("*.txt") if p.is_file())
    if pattern:
        files = [p for p in files if pattern.lower() in p.name.lower()]
    return files


def run(pattern: str | None = None, verbose: bool = False) -> dict:
    groups: dict[str, list[int]] = {}
    failed: list[str] = []
    t0 = time.perf_counter()
    for path in fixtures(pattern):
        group = path.name.split("_")[0]
        counts = groups.setdefault(group, [0, 0])
        counts[1] += 1
        try:
            ok, expected, actual = run_fixture(path)
        except Exception as exc:  # a crash is a failure
            ok, expected, actual = False, "", f"EXCEPTION {type(exc).__name__}: {exc}"
            if verbose:
                traceback.print_exc()
        if ok:
            counts[0] += 1
        else:
            failed.append(path.stem)
            if verbose:
                print(f"--- {path.stem}\nEXPECTED:\n{expected}\nACTUAL:\n{actual}\n")
    passed = sum(c[0] for c in groups.values())
    total = sum(c[1] for c in groups.values())
    return {"passed": passed, "total": total, "percent": round(100.0 * passed / total, 1) if total else 0.0,
            "groups": {g: {"passed": c[0], "total": c[1]} for g, c in sorted(groups.items())},
            "failed": failed, "seconds": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", dest="pattern", help="only fixtures whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="show every failure")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--list-failures", action="store_true")
    args = ap.parse_args(argv)
    if not SUITE.is_dir():
        print(f"csl_suite: no test suite at {SUITE}", file=sys.stderr)
        return 2
    res = run(args.pattern, args.verbose)
    print(f"{'group':<14} {'pass':>5} {'total':>6}")
    for g, c in res["groups"].items():
        print(f"{g:<14} {c['passed']:>5} {c['total']:>6}")
    print(f"{'TOTAL':<14} {res['passed']:>5} {res['total']:>6}   {res['percent']}%   ({res['seconds']} s)")
    if args.list_failures:
        print("\n".join(res["failed"]))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
