"""Property-based tests: any front matter or bibliography either builds valid JATS or fails as a user error.

hypothesis generates front matter (odd types, empty and huge strings, every script, missing
fields, dates of every shape) and CSL-JSON entries; the pipeline must produce JATS the
validator accepts, or raise a UserError — never any other exception.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pubpipe.errors import UserError
from pubpipe.jats import parse_jats
from pubpipe.pipeline import make_jats
from pubpipe.validate import validate

SCRIPTS = st.sampled_from([
    "Ada", "沈志华", "김일성", "Ωμέγα", "Ёжик", "עברית", "العربية", "हिन्दी", "ทดสอบ", "🙂", "ǅ", "e\u0301",
    "", " ", "\t", "a" * 2000, "<b>&amp;</b>", "*emph*", "[@x]", "]]>", "\u202e", "line\nbreak", "null",
])
TEXT = st.one_of(SCRIPTS, st.text(max_size=40))
SCALAR = st.one_of(TEXT, st.integers(-10**6, 10**6), st.booleans(), st.none(), st.floats(allow_nan=False))
DATE = st.one_of(st.sampled_from(["2024", "2024-05", "2024-05-17", "2024-02-30", "17/05/2024", "Spring 2024",
                                  "0000", "99999-01-01", "2024-5-7", ""]), SCALAR)
NAME = st.one_of(TEXT, st.fixed_dictionaries({}, optional={"given": TEXT, "family": TEXT, "literal": TEXT}))
AUTHOR = st.one_of(TEXT, st.fixed_dictionaries({"name": NAME}, optional={
    "orcid": st.one_of(TEXT, st.just("0000-0002-1825-0097")), "email": TEXT, "corresponding": SCALAR,
    "roles": st.one_of(TEXT, st.lists(TEXT, max_size=3)), "bio": TEXT,
    "affiliations": st.lists(st.one_of(TEXT, st.fixed_dictionaries({"ref": TEXT})), max_size=2)}))
FRONT = st.fixed_dictionaries({"title": st.one_of(TEXT, SCALAR)}, optional={
    "subtitle": SCALAR, "author": st.one_of(st.lists(AUTHOR, max_size=3), AUTHOR),
    "affiliations": st.lists(st.fixed_dictionaries({"id": TEXT, "name": TEXT},
                                                   optional={"ror": TEXT, "country": TEXT}), max_size=2),
    "abstract": TEXT, "keywords": st.one_of(TEXT, st.lists(SCALAR, max_size=4)), "lang": TEXT,
    "date": DATE, "doi": TEXT, "license": st.one_of(TEXT, st.just("CC-BY-4.0")),
    "copyright": st.one_of(TEXT, st.fixed_dictionaries({}, optional={"holder": SCALAR, "year": SCALAR})),
    "funding": st.one_of(TEXT, st.lists(st.fixed_dictionaries({"source": SCALAR}, optional={"award": SCALAR}),
                                        max_size=2)),
    "citation": st.fixed_dictionaries({}, optional={"container-title": SCALAR, "volume": SCALAR,
                                                    "issn": TEXT, "page": SCALAR}),
    "unknown-key": SCALAR,
})
DATE_PARTS = st.one_of(
    st.fixed_dictionaries({"date-parts": st.lists(st.lists(st.one_of(st.integers(-5, 3000), TEXT), max_size=4),
                                                  max_size=3)}),
    st.fixed_dictionaries({"literal": TEXT}), TEXT, st.none())
ENTRY = st.fixed_dictionaries({"id": st.just("k"), "type": st.sampled_from(
    ["book", "chapter", "article-journal", "webpage", "manuscript", "report", "thesis", "bogus", ""])}, optional={
    "title": SCALAR, "author": st.one_of(st.lists(st.fixed_dictionaries({}, optional={
        "family": SCALAR, "given": SCALAR, "literal": SCALAR}), max_size=9), TEXT),
    "issued": DATE_PARTS, "accessed": DATE_PARTS, "container-title": SCALAR, "page": SCALAR,
    "volume": SCALAR, "URL": TEXT, "DOI": TEXT, "publisher": SCALAR, "language": TEXT,
})
FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "40")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


def build(tmp_path, front: dict, entries=None, body="Body text.[^1]\n\n[^1]: A note.\n"):
    folder = tmp_path / "ms"
    folder.mkdir(exist_ok=True)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body
    (folder / "ms.md").write_text(text, encoding="utf-8")
    if entries is not None:
        (folder / "references.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "ms.xml"
    try:
        make_jats(folder, out)
    except UserError as err:
        assert str(err).strip()
        # Invalid JATS made from inputs that passed the checks is pubpipe's bug, not the user's.
        assert "does not validate" not in str(err), str(err)
        return None
    tree = parse_jats(out)
    assert validate(tree) == []
    return tree


@FUZZ
@given(front=FRONT)
def test_any_front_matter_builds_or_fails_cleanly(tmp_path, front):
    build(tmp_path, front)


@FUZZ
@given(entry=ENTRY)
def test_any_bibliography_entry_builds_or_fails_cleanly(tmp_path, entry):
    build(tmp_path, {"title": "T"}, [entry], body="Text [@k, p. 3].\n")


PRINTABLE = st.one_of(SCRIPTS, st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40))
WELL_FORMED_ENTRY = st.fixed_dictionaries({
    "id": st.just("k"),
    "type": st.sampled_from(["book", "chapter", "article-journal", "article-newspaper", "webpage", "manuscript",
                             "report", "thesis", "paper-conference", "dataset"]),
    "title": PRINTABLE,
}, optional={
    "author": st.lists(st.one_of(st.fixed_dictionaries({"family": PRINTABLE}, optional={"given": PRINTABLE}),
                                 st.fixed_dictionaries({"literal": PRINTABLE})), min_size=1, max_size=12),
    "editor": st.lists(st.fixed_dictionaries({"family": PRINTABLE, "given": PRINTABLE}), max_size=3),
    "issued": st.fixed_dictionaries({"date-parts": st.lists(st.lists(st.integers(1, 28), min_size=1, max_size=3)
                                                            .map(lambda p: [1000 + p[0] * 37] + p[1:2] + p[2:3]),
                                                            min_size=1, max_size=2)}),
    "accessed": st.fixed_dictionaries({"date-parts": st.just([[2022, 12, 12]])}),
    "container-title": PRINTABLE, "volume": st.one_of(PRINTABLE, st.integers(0, 10**6)), "issue": PRINTABLE,
    "page": st.sampled_from(["1-10", "101–115", "xii", "5", "e123", "12-", "-3", "1,3,5", ""]),
    "URL": st.sampled_from(["https://example.org/a", "http://example.org/ünï", "not a url", ""]),
    "DOI": st.sampled_from(["10.1234/x", "https://doi.org/10.1/y", "junk", ""]),
    "publisher": PRINTABLE, "publisher-place": PRINTABLE, "edition": st.one_of(PRINTABLE, st.integers(1, 20)),
    "language": st.sampled_from(["en", "zh-CN", "ko", "fr-FR", "xx", ""]),
})
LOCATOR_SUFFIX = st.sampled_from(["", ", p. 3", ", pp. 5-9", ", chap. 2", ", {iv}", ", sec. 4.2, emphasis added"])


@FUZZ
@given(entry=WELL_FORMED_ENTRY, suffix=LOCATOR_SUFFIX,
       style=st.sampled_from(["chicago-notes-bibliography", "apa", "ieee", "modern-language-association"]))
def test_well_formed_entries_format_in_every_class_of_style(tmp_path, entry, suffix, style):
    """Entries that pass the checks reach citeproc: every style class must format them or fail cleanly."""
    build(tmp_path, {"title": "T", "csl": style}, [entry],
          body=f"Body [@k{suffix}].[^1] And @k again.\n\n[^1]: A note citing [@k{suffix}].\n")
