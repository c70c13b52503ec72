"""Measured conformance: the official CSL test suite and agreement with pandoc's citeproc.

The figures are printed by bench/csl_suite.py and bench/pandoc_agreement.py; these tests
only guard them from falling back. They need ../shared (the suite) and pandoc (installed with
pypandoc-binary).
"""

from __future__ import annotations

import pytest

from conftest import load_bench, needs_suite

# Measured 2026-11-27: 732 of 845 fixtures (86.6 %). A small margin for harmless changes.
SUITE_MIN_PASSED = 722


def test_csl_suite_pass_rate_does_not_fall():
    needs_suite()
    result = load_bench("csl_suite").run()
    assert result["total"] == 845
    assert result["passed"] >= SUITE_MIN_PASSED, (
        f"CSL suite: {result['passed']}/{result['total']} pass, below the recorded {SUITE_MIN_PASSED}; "
        f"failing now: {', '.join(result['failed'][:40])}")


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa", "ieee"])
def test_agreement_with_pandoc_citeproc(style):
    bench = load_bench("pandoc_agreement")
    r = bench.compare(style)
    total = r["citations"] + r["entries"]
    same = r["citations_same"] + r["entries_same"]
    pandoc_wrong = sum(1 for d in r["differences"] if d["pandoc_wrong"])
    assert total >= 60
    assert (same + pandoc_wrong) / total >= 0.95, r["differences"]
    assert same / total >= 0.90, r["differences"]
