"""Bad input around citations: each is one clear message naming the file, the entry or line, and what to do."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from pubpipe.errors import UserError

MD = "---\ntitle: T\nlang: en-US\n{extra}---\n\nText [@{key}].\n"
GOOD = [{"id": "doe2001", "type": "book", "title": "A Book", "author": [{"family": "Doe", "given": "J."}],
         "issued": {"date-parts": [[2001]]}}]


def make(tmp_path, manuscript_dir, md, refs):
    from pubpipe.pipeline import make_jats

    folder = manuscript_dir(md, refs)
    return make_jats(folder, tmp_path / "out.xml")


def test_unknown_citation_key_names_key_and_line(tmp_path, manuscript_dir):
    md = "---\ntitle: T\n---\n\nFine [@doe2001].\n\nBroken [@nobody2020, p. 3].\n"
    with pytest.raises(UserError) as exc:
        make(tmp_path, manuscript_dir, md, GOOD)
    msg = str(exc.value)
    assert "'@nobody2020'" in msg and "paper.md:7:" in msg


def test_malformed_entry_names_entry_and_field(tmp_path, manuscript_dir):
    refs = GOOD + [{"id": "bad", "type": "book", "title": "X", "author": "Smith, John"}]
    with pytest.raises(UserError) as exc:
        make(tmp_path, manuscript_dir, MD.format(extra="", key="bad"), refs)
    msg = str(exc.value)
    assert "entry 'bad'" in msg and "'author'" in msg and "references.json" in msg


def test_malformed_date_names_entry_and_field(tmp_path, manuscript_dir):
    refs = [{"id": "bad", "type": "book", "title": "X", "issued": {"date-parts": [["spring"]]}}]
    with pytest.raises(UserError) as exc:
        make(tmp_path, manuscript_dir, MD.format(extra="", key="bad"), refs)
    assert "entry 'bad'" in str(exc.value) and "'issued'" in str(exc.value)


def test_duplicate_keys_are_reported(tmp_path, manuscript_dir):
    refs = GOOD + [dict(GOOD[0], title="Another")]
    with pytest.raises(UserError) as exc:
        make(tmp_path, manuscript_dir, MD.format(extra="", key="doe2001"), refs)
    assert "doe2001" in str(exc.value) and "two entries" in str(exc.value)


def test_invalid_csl_file_in_front_matter(tmp_path, manuscript_dir):
    from pubpipe.pipeline import make_jats

    folder = manuscript_dir(MD.format(extra="csl: csl/broken.csl\n", key="doe2001"), GOOD,
                            files={"csl/broken.csl": "<style xmlns='http://purl.org/net/xbiblio/csl'><oops"})
    with pytest.raises(UserError) as exc:
        make_jats(folder, tmp_path / "out.xml")
    assert "broken.csl" in str(exc.value) and "not well-formed XML" in str(exc.value)


def test_unknown_style_on_the_command_line_is_one_paragraph(tmp_path, manuscript_dir):
    folder = manuscript_dir(MD.format(extra="", key="doe2001"), GOOD)
    proc = subprocess.run([sys.executable, "-m", "pubpipe.cli", "check", str(folder), "--style", "chicago-note"],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1
    assert "there is no CSL style 'chicago-note'" in proc.stderr and "Did you mean" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- whatever the bibliography checker lets through, the engine formats without crashing ------------

names = st.lists(st.fixed_dictionaries({}, optional={
    "family": st.text(min_size=1, max_size=12), "given": st.text(max_size=12),
    "literal": st.text(min_size=1, max_size=12), "non-dropping-particle": st.sampled_from(["van", "de", "d'"]),
    "suffix": st.sampled_from(["Jr.", "III"])}).filter(lambda n: n.get("family") or n.get("literal")),
    min_size=1, max_size=5)
dates = st.fixed_dictionaries({"date-parts": st.lists(
    st.lists(st.integers(-50, 2100), min_size=1, max_size=1) | st.tuples(
        st.integers(1, 2100), st.integers(1, 12), st.integers(1, 28)).map(list), min_size=1, max_size=2)},
    optional={"circa": st.booleans(), "season": st.integers(1, 4)})
items = st.fixed_dictionaries(
    {"type": st.sampled_from(["book", "article-journal", "chapter", "webpage", "manuscript", "report", "thesis"])},
    optional={"author": names, "editor": names, "title": st.text(max_size=40), "container-title": st.text(max_size=20),
              "issued": dates, "accessed": dates, "page": st.text(max_size=10) | st.integers(1, 999),
              "volume": st.text(max_size=5), "edition": st.text(max_size=5) | st.integers(1, 20),
              "URL": st.just("https://example.org/x"), "publisher": st.text(max_size=15)})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(items, min_size=1, max_size=4), st.sampled_from(["apa", "ieee", "chicago-notes-bibliography"]))
def test_engine_never_crashes_on_checked_entries(entries, style):
    from pubpipe.bibliography import check_entries
    from pubpipe.citations.engine import CitationRequest, CiteRequest
    from pubpipe.citations.references import make_reference
    from pubpipe.citations.styles import resolve_style
    from pubpipe.citations import get_engine

    raw = [dict(e, id=f"k{i}") for i, e in enumerate(entries)]
    try:
        checked = check_entries(json.loads(json.dumps(raw)), ROOT / "references.json")
    except UserError:
        return
    engine = get_engine(resolve_style(style), "en-US")
    refs = [make_reference(v) for v in checked.values()]
    cites = [CitationRequest([CiteRequest(r.id, locator="3", label="page")]) for r in refs]
    result = engine.process(refs, cites)
    assert len(result.citations) == len(refs) and len(result.bibliography) == len(refs)
