#!/usr/bin/env python3
"""Time pubpipe's citation engine against pandoc's citeproc on the same work.

    .venv/bin/python bench/citation_speed.py                     # 1,000 and 5,000 citations
    .venv/bin/python bench/citation_speed.py -n 1000 -s ieee     # one size, one style

For each size N it generates N references (deterministic: books, articles,
chapters; authors drawn from a pool so that names and years repeat and
disambiguation has work to do) and N citations, one per reference, a third
of them with a page locator. Both engines format the citations and the
bibliography in the same CSL style:

* pandoc: ``pandoc doc.md --citeproc --csl STYLE -t plain`` (timed as a process);
* ours: CSL-JSON → references, the style loaded, citations and bibliography
  formatted and rendered to text (timed in-process, style loading included).

It prints both times and the ratio ours/pandoc (target: ≤ 1.0). Times are CPU
seconds (user + system: pandoc's from the child-process accounting, ours from
this process), which stay fair when the machine is busy; wall-clock seconds
are printed beside them.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pubpipe.citations.engine import CitationRequest, CiteRequest, Engine  # noqa: E402
from pubpipe.citations.references import make_reference  # noqa: E402
from pubpipe.citations.richtext import render_text  # noqa: E402
from pubpipe.citations.styles import resolve_style  # noqa: E402
from pubpipe.pandoc import pandoc_path  # noqa: E402

FAMILIES = ["Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas", "Roberts", "Johnson",
            "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood",
            "Kim", "Lee", "Park", "Chen", "Wang", "Müller", "Schmidt", "García", "Rossi", "Dubois"]
GIVEN = ["John", "Mary", "Peter", "Anne", "James", "Lucy", "Mark", "Sarah", "Paul", "Emma", "Ji-woo", "Wei"]
WORDS = ["history", "economy", "revolution", "state", "movement", "politics", "society", "culture", "war",
         "memory", "reform", "labour", "empire", "nation", "city", "science", "law", "religion", "trade"]


def generate(n: int, seed: int = 1):
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        kind = rnd.choice(["book", "article-journal", "article-journal", "chapter"])
        authors = [{"family": rnd.choice(FAMILIES), "given": rnd.choice(GIVEN)}
                   for _ in range(rnd.choice([1, 1, 1, 2, 2, 3, 4]))]
        title = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 7))).capitalize()
        item = {"id": f"r{i}", "type": kind, "author": authors, "title": title,
                "issued": {"date-parts": [[rnd.randint(1990, 2020)]]}}
        if kind == "article-journal":
            item.update({"container-title": f"Journal of {rnd.choice(WORDS).capitalize()} Studies",
                         "volume": str(rnd.randint(1, 60)), "issue": str(rnd.randint(1, 4)),
                         "page": f"{(p := rnd.randint(1, 400))}-{p + rnd.randint(5, 40)}"})
        else:
            item.update({"publisher": rnd.choice(["Oxford University Press", "Routledge", "Verso", "Brill"]),
                         "publisher-place": rnd.choice(["Oxford", "London", "New York", "Leiden"])})
            if kind == "chapter":
                item.update({"container-title": f"The {rnd.choice(WORDS).capitalize()} Reader",
                             "editor": [{"family": rnd.choice(FAMILIES), "given": rnd.choice(GIVEN)}],
                             "page": f"{(p := rnd.randint(1, 300))}-{p + 20}"})
        items.append(item)
    cites = [(f"r{i}", str(rnd.randint(1, 300)) if i % 3 == 0 else None) for i in range(n)]
    rnd.shuffle(cites)
    return items, cites


def time_pandoc(items, cites, style_path: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "bib.json"
        bib.write_text(json.dumps(items), encoding="utf-8")
        body = "\n\n".join(f"Text [@{k}{', p. ' + loc if loc else ''}]." for k, loc in cites)
        md = Path(tmp) / "doc.md"
        md.write_text(f"---\nbibliography: {bib}\nlang: en-US\n---\n\n{body}\n", encoding="utf-8")
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([pandoc_path(), str(md), "--citeproc", "--csl", str(style_path), "-t", "plain",
                        "-o", str(Path(tmp) / "out.txt")], check=True, capture_output=True)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), wall


def time_ours(items, cites, style_path: Path) -> tuple[float, float]:
    c0 = time.process_time()
    t0 = time.perf_counter()
    engine = Engine(style_path, "en-US")
    refs = [make_reference(i, engine.locale.quotes) for i in items]
    requests = [CitationRequest([CiteRequest(k, locator=loc, label="page" if loc else None)],
                                note_number=n if engine.is_note_style else None)
                for n, (k, loc) in enumerate(cites, start=1)]
    result = engine.process(refs, requests)
    q = engine.locale.quotes
    text = [render_text(c, q) for c in result.citations] + [render_text(b, q) for _, b in result.bibliography]
    assert len(text) == len(cites) + len(items)
    return time.process_time() - c0, time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, action="append", help="number of citations (repeatable)")
    ap.add_argument("-s", "--style", action="append", help="CSL style (repeatable)")
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args(argv)
    sizes = args.n or [1000, 5000]
    styles = args.style or ["chicago-author-date", "ieee"]
    rows = []
    print(f"{'style':<24} {'citations':>9} {'pandoc cpu':>10} {'ours cpu':>9} {'ratio':>6}   "
          f"{'pandoc wall':>11} {'ours wall':>9} {'ratio':>6}")
    for style in styles:
        path = resolve_style(style).path
        for n in sizes:
            items, cites = generate(n)
            pc, pw = time_pandoc(items, cites, path)
            oc, ow = time_ours(items, cites, path)
            rows.append({"style": style, "citations": n, "pandoc_cpu_s": round(pc, 2), "ours_cpu_s": round(oc, 2),
                         "ratio_cpu": round(oc / pc, 2), "pandoc_wall_s": round(pw, 2),
                         "ours_wall_s": round(ow, 2), "ratio_wall": round(ow / pw, 2)})
            print(f"{style:<24} {n:>9} {pc:>10.2f} {oc:>9.2f} {oc / pc:>6.2f}   {pw:>11.2f} {ow:>9.2f} "
                  f"{ow / pw:>6.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
