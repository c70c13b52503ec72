"""Helpers for the citation tests: run the engine on small inputs, load CSL-suite fixtures."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SUITE = SHARED / "csl-test-suite" / "humans"
BIB = ROOT / "tests" / "fixtures" / "citations" / "bibliography.json"
FLAGSHIP = ROOT / "manuscript" / "chollima"


def load_bench(name: str):
    """A bench/ script as a module (the CSL-suite runner, the pandoc comparison)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def needs_suite() -> Path:
    if not SUITE.is_dir():
        pytest.skip("../shared/csl-test-suite is absent (only CI and developer machines have it)")
    return SUITE


def run_suite_fixture(name: str):
    """(passed, expected, actual) for one CSL test-suite fixture."""
    needs_suite()
    return load_bench("csl_suite").run_fixture(SUITE / f"{name}.txt")


class Formatted:
    """The engine's output for some citations, as plain text with the locale's quotes."""

    def __init__(self, citations, bibliography, engine):
        self.citations = citations
        self.bibliography = bibliography
        self.engine = engine

    def entry(self, key: str) -> str:
        return dict(self.bibliography)[key]


def format_text(style, citations, lang="en-US", items=None, html=False) -> Formatted:
    """Format *citations* (lists of dicts: id, locator, label, prefix, suffix, mode, note) in *style*.

    *style* is a style name or CSL text; *items* default to the test bibliography.
    """
    from pubpipe.citations.engine import CitationRequest, CiteRequest, Engine
    from pubpipe.citations.references import make_reference
    from pubpipe.citations.richtext import render_html, render_text
    from pubpipe.citations.styles import resolve_style

    if isinstance(style, str) and style.lstrip().startswith("<"):
        engine = Engine(style.encode("utf-8"), lang)
    else:
        engine = Engine(resolve_style(style).path, lang)
    items = items if items is not None else json.loads(BIB.read_text(encoding="utf-8"))
    by_id = {i["id"]: i for i in items}
    requests = []
    cited = []
    for n, c in enumerate(citations, start=1):
        reqs = []
        note = None
        for it in c:
            it = dict(it)
            note = it.pop("note", note)
            cited.append(it["id"])
            reqs.append(CiteRequest(**it))
        requests.append(CitationRequest(reqs, note_number=note if note is not None else
                                        (n if engine.is_note_style else None)))
    order = list(dict.fromkeys(cited))
    refs = [make_reference(by_id[k], engine.locale.quotes) for k in order]
    result = engine.process(refs, requests, bibliography_ids=order)
    render = (lambda r: render_html(r, engine.locale.quotes)) if html else \
        (lambda r: render_text(r, engine.locale.quotes))
    return Formatted([render(c) for c in result.citations], [(k, render(b)) for k, b in result.bibliography],
                     engine)
