"""Before and after: what each optimisation of issue 7 is worth, measured in one interleaved run.

    .venv/bin/python bench/ablation.py [--runs 5] [--before REF]

Cold builds of the flagship's four formats (a fresh output/ each time), the variants taking
turns so that all of them see the same machine load; medians, and each as a ratio to the
peer one-liner measured in the same rounds:

    before       the code of git REF (default HEAD: the working tree without its uncommitted
                 changes), extracted with ``git archive`` and built with its own dodo.py
    serial       the working tree, everything in one process (PUBPIPE_JOBS=0)
    no-warm-up   the working tree, parallel workers, the idle worker does not warm up
                 (PUBPIPE_WARMUP=0)
    now          the working tree, as ``doit`` runs by default
    peer         pandoc essay.md --citeproc --pdf-engine=weasyprint -o essay.pdf

Then the stages of one in-process build (Python start and imports, JATS, PDF, HTML, EPUB)
for *before* and *now*, and for *now* with the EPUB's CJK font subset by fontTools
(PUBPIPE_FONT_SUBSETTER=fonttools), as bench/pdf_vs_peer.py reports them. The figures
are written to bench/results/ablation.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import io
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from suite import PY, build_env, clean_outputs, doit, measure, peer_setup  # noqa: E402
from synthetic import FLAGSHIP, ROOT  # noqa: E402

STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
import importlib
from pathlib import Path
from pubpipe import tasks
from pubpipe.pipeline import make_jats
folder, out = Path(sys.argv[1]), Path(sys.argv[2])
times = {"start + imports": time.perf_counter() - t0}
t = time.perf_counter(); jats = make_jats(folder, out / f"{folder.name}.xml"); times["jats"] = time.perf_counter() - t
for name, ext, spec, _ in tasks.RENDITIONS:
    module, function = spec.split(":")
    t = time.perf_counter()
    getattr(importlib.import_module(module), function)(jats, out / f"{folder.name}.{ext}", folder)
    times[name] = time.perf_counter() - t
print(json.dumps(times))
"""


def extract(ref: str, dest: Path) -> Path:
    """The tree of git *ref* (dodo.py, csl/, src/) under *dest*."""
    data = subprocess.run(["git", "archive", "--format=tar", ref, "dodo.py", "csl", "src"], cwd=ROOT,
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest)
    if (ROOT / "vendor").is_dir():  # the DTDs (and DAISY Ace) scripts/setup.sh installed, shared
        (dest / "vendor").symlink_to(ROOT / "vendor")
    import compileall

    compileall.compile_dir(str(dest / "src"), quiet=1)
    return dest


def project(dest: Path, tree: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(tree / "dodo.py", dest / "dodo.py")
    shutil.copytree(tree / "csl", dest / "csl")
    shutil.copytree(FLAGSHIP, dest / "manuscript" / "chollima")
    return dest


def stages(src: Path, work: Path, extra: dict, runs: int) -> dict:
    env = dict(build_env(), PYTHONPATH=str(src), **extra)
    samples = []
    for i in range(runs):
        out = work / f"stages-{i}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        result = subprocess.run([str(PY), "-c", STAGES, str(FLAGSHIP), str(out)], cwd=work, env=env,
                                capture_output=True, text=True)
        if result.returncode:
            raise SystemExit(result.stderr[-3000:])
        samples.append(json.loads(result.stdout.strip().splitlines()[-1]))
    return {k: round(statistics.median(s[k] for s in samples), 3) for k in samples[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", default="HEAD", help="git ref of the code before (default HEAD)")
    args = parser.parse_args()
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "pubpipe"), quiet=1)
    results: dict = {"before": subprocess.run(["git", "rev-parse", "--short", args.before], cwd=ROOT,
                                              capture_output=True, text=True).stdout.strip()}
    with tempfile.TemporaryDirectory(prefix="pubpipe-ablation-") as tmp:
        work = Path(tmp)
        before_tree = extract(args.before, work / "before-tree")
        env = build_env()
        variants = {
            "before": (doit(), project(work / "before", before_tree), dict(env, PYTHONPATH=str(before_tree / "src"))),
            "serial": (doit(), project(work / "serial", ROOT), dict(env, PUBPIPE_JOBS="0")),
            "no-warm-up": (doit(), project(work / "nowarm", ROOT), dict(env, PUBPIPE_WARMUP="0")),
            "now": (doit(), project(work / "now", ROOT), env),
        }
        peer_cmd, essay = peer_setup(work / "peer")
        times: dict[str, list[float]] = {name: [] for name in [*variants, "peer"]}
        for run in range(args.runs):
            names = list(times)
            for name in (names if run % 2 == 0 else names[::-1]):
                if name == "peer":
                    result = measure(peer_cmd, essay, env, prepare=lambda: (essay / "essay.pdf").unlink(missing_ok=True))
                else:
                    cmd, cwd, variant_env = variants[name]
                    result = measure(cmd, cwd, variant_env, prepare=lambda cwd=cwd: clean_outputs(cwd))
                times[name].append(result["wall"])
            print(f"  round {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in times.items()), file=sys.stderr)
        peer = statistics.median(times["peer"])
        results["cold_s"] = {k: round(statistics.median(v), 2) for k, v in times.items()}
        results["cold_ratio_to_peer"] = {k: round(statistics.median(v) / peer, 2) for k, v in times.items()}
        results["stages_s"] = {
            "before": stages(before_tree / "src", work, {}, 3),
            "now": stages(ROOT / "src", work, {}, 3),
            "now, EPUB font by fontTools": stages(ROOT / "src", work, {"PUBPIPE_FONT_SUBSETTER": "fonttools"}, 3),
        }
    print("| cold build of all four formats | median s | / peer |\n|---|---|---|")
    for name in times:
        print(f"| {name} | {results['cold_s'][name]} | {results['cold_ratio_to_peer'][name]} |")
    keys = list(results["stages_s"]["now"])
    print("\n| one in-process build, by stage (s) | " + " | ".join(keys) + " |")
    print("|---|" + "---|" * len(keys))
    for name, row in results["stages_s"].items():
        print(f"| {name} | " + " | ".join(str(row.get(k, "")) for k in keys) + " |")
    out = ROOT / "bench" / "results" / "ablation.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
