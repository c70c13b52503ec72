"""Build every format of the flagship from scratch and time it against the peer one-liner.

    .venv/bin/python bench/pdf_vs_peer.py [--runs 3] [--manuscript manuscript/chollima]

In the same run, alternating so both see the same machine load:

- **ours**: ``pubpipe build <copy of the manuscript> -o <fresh dir>`` in a new process
  — Markdown → JATS, then every rendition registered in ``pubpipe.tasks.RENDITIONS``
  at run time (PDF, web HTML, EPUB, …), as ``doit``/``pubpipe build`` run them;
- **peer**: ``pandoc essay.md --pdf-engine=weasyprint -o essay.pdf`` on the same Markdown
  (the issue's baseline: one PDF, endnotes, no running heads, tofu for the Chinese).

Prints the median wall time of each, the ratio ours/peer (target ≤ 1.0), each side's peak
RSS, the PDFs' page counts, and a per-stage breakdown of one in-process build. This is a
benchmark, not a test: nothing fails on a slow machine. Results are printed, and written
to bench/results/pdf_vs_peer.json (ignored by git).
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

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def run_timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB of the process tree's largest process, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(proc.stderr.read().decode("utf-8", "replace")[-2000:], file=sys.stderr)
    proc.stderr.close()
    return seconds, usage.ru_maxrss, proc.returncode


def pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return next((int(line.split()[1]) for line in out.splitlines() if line.startswith("Pages:")), 0)


def ours_once(manuscript: Path, work: Path, env: dict) -> tuple[float, int, list[Path]]:
    folder = work / "src" / manuscript.name
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(manuscript, folder)
    out = work / "out"
    if out.exists():
        shutil.rmtree(out)
    seconds, rss, code = run_timed([str(VENV_BIN / "pubpipe"), "build", str(folder), "-o", str(out)], work, env)
    if code:
        raise SystemExit(f"pubpipe build failed (exit {code})")
    return seconds, rss, sorted((out / manuscript.name).glob(f"{manuscript.name}.*"))


def peer_once(manuscript: Path, work: Path, env: dict) -> tuple[float, int, Path]:
    peer = work / "peer"
    peer.mkdir(exist_ok=True)
    shutil.copy(next(p for p in manuscript.glob("*.md")), peer / "essay.md")
    (peer / "essay.pdf").unlink(missing_ok=True)
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    seconds, rss, code = run_timed([pandoc, "essay.md", "--pdf-engine=weasyprint", "-o", "essay.pdf"], peer, env)
    if code:
        raise SystemExit(f"the peer one-liner failed (exit {code})")
    return seconds, rss, peer / "essay.pdf"


# The same per-stage timing script as bench/ablation.py (one process, one stage after another).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ablation import STAGES as BREAKDOWN  # noqa: E402


def breakdown(manuscript: Path, work: Path, env: dict) -> dict:
    out = work / "breakdown"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    result = subprocess.run([sys.executable, "-c", BREAKDOWN, str(manuscript), str(out)], cwd=work, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        print(result.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--manuscript", default=str(ROOT / "manuscript" / "chollima"))
    args = parser.parse_args(argv)
    manuscript = Path(args.manuscript).resolve()

    sys.path.insert(0, str(ROOT / "src"))
    from pubpipe import tasks

    env = dict(os.environ)
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # the peer's pandoc calls `weasyprint`
    formats = ["jats"] + [name for name, *_ in tasks.RENDITIONS]
    print(f"formats built by pubpipe: {', '.join(formats)}  (tasks.RENDITIONS at run time)")
    ours, peer, ours_rss, peer_rss = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="pubpipe-bench-") as tmp:
        work = Path(tmp)
        for run in range(args.runs):
            order = (("ours", "peer") if run % 2 == 0 else ("peer", "ours"))
            for side in order:
                if side == "ours":
                    seconds, rss, outputs = ours_once(manuscript, work, env)
                    ours.append(seconds)
                    ours_rss.append(rss)
                else:
                    seconds, rss, peer_pdf = peer_once(manuscript, work, env)
                    peer.append(seconds)
                    peer_rss.append(rss)
                print(f"  run {run + 1} {side:4}: {seconds:6.2f} s, peak RSS {rss / 1024:6.0f} MiB")
        our_pdf = next((p for p in outputs if p.name == f"{manuscript.name}.pdf"), None)
        stages = breakdown(manuscript, work, env)
        result = {
            "formats": formats,
            "outputs": [p.name for p in outputs],
            "ours_seconds": ours, "peer_seconds": peer,
            "ours_median": statistics.median(ours), "peer_median": statistics.median(peer),
            "ratio": statistics.median(ours) / statistics.median(peer),
            "ours_peak_rss_mib": max(ours_rss) / 1024, "peer_peak_rss_mib": max(peer_rss) / 1024,
            "ours_pdf_pages": pages(our_pdf) if our_pdf else None, "peer_pdf_pages": pages(peer_pdf),
            "stages_seconds": stages, "cpus": os.cpu_count(),
        }
    print(f"\noutputs: {', '.join(result['outputs'])}")
    print(f"ours (all formats): median {result['ours_median']:.2f} s   peer (PDF only): median "
          f"{result['peer_median']:.2f} s   ratio {result['ratio']:.2f} (target <= 1.0)")
    print(f"peak RSS: ours {result['ours_peak_rss_mib']:.0f} MiB, peer {result['peer_peak_rss_mib']:.0f} MiB; "
          f"pages: ours {result['ours_pdf_pages']}, peer {result['peer_pdf_pages']}")
    if stages:
        print("one in-process build, by stage: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "pdf_vs_peer.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
