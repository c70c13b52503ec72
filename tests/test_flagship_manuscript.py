"""Fidelity tests for the flagship manuscript (manuscript/chollima/).

The essay is published from ``chollima.md`` + ``references.json``; the source of
truth is the web capture in ``../shared/seed/000_14e8fee4b2b14331.txt``.  These
tests fail if a sentence of the essay, a heading, a note, a note call, the prose
of a note, the keywords or the biography is missing or altered, and they check
that every bibliographic reference in a seed note became a Pandoc citation to a
``references.json`` entry whose metadata accounts for the whole reference.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MS_DIR = ROOT / "manuscript" / "chollima"
MANUSCRIPT = MS_DIR / "chollima.md"
REFERENCES = MS_DIR / "references.json"
SEED = ROOT.parent / "shared" / "seed" / "000_14e8fee4b2b14331.txt"

# ---------------------------------------------------------------------------
# What the seed contains besides the essay
# ---------------------------------------------------------------------------

CAPTURE_NOISE = {
    "top of page",
    "Search",
    "josephgregoryyu",
    "5 views0 comments",
    "Comments",
    "bottom of page",
}
SEED_TITLE_SUFFIX = " (Dr Joseph Yu)"
SEED_HEADINGS = [
    "The ‘Revolutionary’ Movements",
    "Importing Chinese Revolution: Emulation and Imitation",
    "Causes of the Emulation Behaviour",
    "Conclusion",
]
NOTES_HEADING = "Footnotes"
N_NOTES = 46
N_BODY_PARAGRAPHS = 18


def roman(n: int) -> str:
    out = []
    for value, sym in ((40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


NOTE_LABELS = [roman(k) for k in range(1, N_NOTES + 1)]

ROMAN = r"[ivxl]+"
SEED_CALL = re.compile(r"\s*\[(" + ROMAN + r")\]")
MS_CALL = re.compile(r"\s*\[\^(" + ROMAN + r")\]")
MS_NOTE_DEF = re.compile(r"^\[\^(" + ROMAN + r")\]:[ \t]+(.*)$", re.S)
MS_HEADING = re.compile(r"^#[ \t]+(.*?)(?:[ \t]+\{#([A-Za-z][\w:.-]*)\})?[ \t]*$")
KEY = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*\w)?"
# One work per citation, prose outside it: either the bracketed form
# ``[@key]`` / ``[@key, p. 12]`` or the in-text form ``@key`` / ``@key [p. 12]``
# (the latter renders without parentheses inside footnotes with pandoc citeproc).
CITATION = re.compile(
    r"\[@(?P<bkey>" + KEY + r")(?:,[ ]*(?P<bloc>[^\[\]@;]+))?\]"
    r"|(?<![\w\[@])@(?P<ikey>" + KEY + r")(?:[ ]\[(?P<iloc>[^\[\]@;]+)\])?"
)
ANY_BRACKETED_CITE = re.compile(r"\[[^\[\]]*@[^\[\]]*\]")

# Words a Chicago-style reference may contain that are not metadata values.
REFERENCE_CONNECTIVES = {"in", "and", "ed", "eds", "p", "pp", "accessed"}
# Romanisations (and the Chinese issue marker 第…期) that the seed gives next to
# Chinese-script metadata; CSL-JSON has no field for them.
ROMANISED = {
    "shen2011": "Shen zhihua Dong Jie 第 期",
    "shen2013": "Shen Zhihua",
}
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def norm(text: str) -> str:
    """NBSP -> space, collapse whitespace."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def unescape_md(text: str) -> str:
    """Undo Markdown backslash escapes of ASCII punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def canon_calls(text: str, call: re.Pattern) -> str:
    """Normalised text with every note call written as [^label], glued to the preceding word."""
    return norm(call.sub(lambda m: f"[^{m.group(1)}]", text))


def strip_calls(text: str, call: re.Pattern) -> str:
    return norm(call.sub("", text))


_CJK = re.compile(r"([\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])")


def tokens(text: str) -> list[str]:
    """Words (CJK: single characters) and digit runs, case-folded."""
    text = _CJK.sub(r" \1 ", text)
    return [t.casefold() for t in re.findall(r"[^\W\d_]+|\d+", text)]


def parse_seed(text: str) -> dict:
    paragraphs: list[str] = []  # body paragraphs, raw (with [i] calls)
    blocks: list[tuple[str, str]] = []  # ("h", heading) / ("p", paragraph) in order
    notes: dict[str, str] = {}
    keywords = bio = title = None
    in_notes = False
    for raw in text.split("\n"):
        line = norm(raw)
        if not line or line in CAPTURE_NOISE:
            continue
        if title is None and line.endswith(SEED_TITLE_SUFFIX):
            title = line[: -len(SEED_TITLE_SUFFIX)]
            continue
        if line == NOTES_HEADING:
            in_notes = True
            continue
        if in_notes:
            m = re.match(r"^\[(" + ROMAN + r")\]\s*(.*)$", line)
            assert m, f"unexpected line among the seed's notes: {line!r}"
            assert m.group(1) not in notes
            notes[m.group(1)] = norm(m.group(2))
            continue
        if line.startswith("Key words:"):
            keywords = [k.strip() for k in line[len("Key words:"):].split(",")]
        elif line.startswith("Biography:"):
            bio = norm(line[len("Biography:"):])
        elif line in SEED_HEADINGS:
            blocks.append(("h", line))
        else:
            paragraphs.append(raw)
            blocks.append(("p", raw))
    return {
        "title": title,
        "paragraphs": paragraphs,
        "blocks": blocks,
        "notes": notes,
        "keywords": keywords,
        "bio": bio,
    }


def parse_manuscript(text: str) -> dict:
    m = re.match(r"^---\n(.*?)\n---[ \t]*\n(.*)$", text, re.S)
    assert m, "chollima.md must start with a YAML front-matter block"
    meta = yaml.safe_load(m.group(1))
    body = m.group(2)
    blocks: list[tuple[str, str]] = []
    headings: list[tuple[str, str | None]] = []
    paragraphs: list[str] = []
    note_defs: list[tuple[str, str]] = []
    for block in re.split(r"\n[ \t]*\n", body):
        block = block.strip("\n")
        if not block.strip():
            continue
        d = MS_NOTE_DEF.match(block)
        h = MS_HEADING.match(block)
        if d:
            note_defs.append((d.group(1), d.group(2)))
        elif h and "\n" not in block:
            headings.append((h.group(1), h.group(2)))
            blocks.append(("h", h.group(1)))
        else:
            paragraphs.append(block)
            blocks.append(("p", block))
    return {
        "meta": meta,
        "body": body,
        "blocks": blocks,
        "headings": headings,
        "paragraphs": paragraphs,
        "note_defs": note_defs,
    }


def load_references() -> list[dict]:
    return json.loads(REFERENCES.read_text(encoding="utf-8"))


def split_note(note: str) -> tuple[list[str], list[tuple[str, str | None]]]:
    """Split a manuscript note into prose fragments and (key, locator) citations."""
    for m in ANY_BRACKETED_CITE.finditer(note):
        assert CITATION.fullmatch(m.group(0)), (
            f"citation {m.group(0)} must cite exactly one work, with at most a locator "
            "(connecting prose belongs outside the brackets)"
        )
    prose: list[str] = []
    cites: list[tuple[str, str | None]] = []
    pos = 0
    for m in CITATION.finditer(note):
        prose.append(note[pos : m.start()])
        cites.append((m.group("bkey") or m.group("ikey"), m.group("bloc") or m.group("iloc")))
        pos = m.end()
    prose.append(note[pos:])
    return prose, cites


def cited_keys(text: str) -> set[str]:
    return {m.group("bkey") or m.group("ikey") for m in CITATION.finditer(text)}


def _names(entry: dict) -> list[dict]:
    out = []
    for role in ("author", "editor", "translator", "container-author"):
        out.extend(entry.get(role, []))
    return out


def _date_tokens(date: dict) -> list[str]:
    out = []
    for parts in date.get("date-parts", []):
        for i, part in enumerate(parts):
            out.append(str(part))
            if i == 1:
                out.append(MONTHS[int(part) - 1])
    return out


REQUIRED_IN_REFERENCE = (
    "title", "title-translated", "container-title", "container-title-translated",
    "volume", "issue", "publisher", "publisher-place", "archive", "archive_location", "URL",
)
ALSO_ALLOWED = ("note", "collection-title", "genre", "edition")


def reference_problems(span: str, entry: dict, locator: str | None) -> list[str]:
    """Why ``span`` (a seed reference) is not exactly the cited entry + locator."""
    span_tokens = set(tokens(span))
    required: set[str] = set()
    for field in REQUIRED_IN_REFERENCE:
        if field in entry:
            required |= set(tokens(str(entry[field])))
    for name in _names(entry):
        required |= set(tokens(" ".join(str(v) for k, v in name.items() if k in ("family", "given", "literal"))))
    issued = entry.get("issued", {}).get("date-parts", [[]])
    if issued and issued[0]:
        required.add(str(issued[0][0]))
    accessed = entry.get("accessed", {}).get("date-parts", [[]])
    if accessed and accessed[0]:
        required.add(str(accessed[0][0]))

    allowed = set(required) | REFERENCE_CONNECTIVES
    for field in ALSO_ALLOWED:
        if field in entry:
            allowed |= set(tokens(str(entry[field])))
    for field in ("issued", "accessed"):
        if field in entry:
            allowed |= set(tokens(" ".join(_date_tokens(entry[field]))))
    allowed |= set(tokens(ROMANISED.get(entry["id"], "")))

    problems = []
    loc_tokens = tokens(locator or "")
    allowed |= set(loc_tokens)
    missing = sorted(required - span_tokens)
    if missing:
        problems.append(f"metadata not in the seed reference: {missing}")
    extra = sorted(span_tokens - allowed)
    if extra:
        problems.append(f"words of the seed not accounted for by the entry/locator: {extra}")
    if locator:
        nums = re.findall(r"\d+", locator)
        if re.findall(r"\d+", span)[-len(nums):] != nums or not re.search(r"\bpp?\.\s*\d", span):
            problems.append(f"locator {locator!r} is not the seed reference's page locator")
    elif re.search(r"\bpp?\.\s*\d", span):
        problems.append("the seed reference has a page locator the citation lacks")
    return problems


def match_note(seed_note: str, prose: list[str], cites, entries: dict) -> list[str] | None:
    """Match ``seed_note`` against prose0 REF1 prose1 … REFn prosen.

    Returns None on success, else the closest list of problems found.
    """
    prose = [norm(unescape_md(p)) for p in prose]
    best: list[list[str]] = [["seed note does not start with the manuscript note's prose: " + repr(prose[0])]]

    def rec(rest: str, k: int) -> bool:
        # rest starts right after prose[k]; we need REF(k+1) prose(k+1) ...
        if k == len(cites):
            if rest == "":
                return True
            best[0] = [f"after the last citation the seed continues {rest!r}, manuscript has nothing"]
            return False
        key, locator = cites[k]
        if key not in entries:
            best[0] = [f"@{key} is not in references.json"]
            return False
        following = prose[k + 1]
        last = k + 1 == len(cites)
        if last:
            candidates = [len(rest) - len(following)] if following and rest.endswith(following) else (
                [len(rest)] if not following else [])
        else:
            candidates = [m.start() for m in re.finditer(re.escape(following), rest)] if following else list(
                range(1, len(rest) + 1))
        if not candidates:
            best[0] = [f"prose {following!r} (after @{key}) not found in the seed note"]
        for end in candidates:
            span = rest[:end].strip()
            if not span:
                continue
            problems = reference_problems(span, entries[key], locator)
            if problems:
                best[0] = [f"@{key} vs seed {span!r}: " + "; ".join(problems)]
                continue
            if rec(rest[end + len(following):], k + 1):
                return True
        return False

    seed_note = norm(seed_note)
    if not cites:
        return None if seed_note == prose[0] else [f"seed {seed_note!r} != manuscript {prose[0]!r}"]
    # prose fragments are whitespace-normalised (edges stripped); reference spans
    # are stripped too, so spacing around a citation does not matter.
    lead = prose[0]
    if not seed_note.startswith(lead):
        return best[0]
    if rec(seed_note[len(lead):].lstrip(" "), 0):
        return None
    return best[0]


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> dict:
    if not SEED.is_file():
        pytest.skip("../shared/seed is absent (only CI and developer machines have it)")
    return parse_seed(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ms() -> dict:
    return parse_manuscript(MANUSCRIPT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def refs() -> list[dict]:
    return load_references()


# ---------------------------------------------------------------------------
# The seed parser itself (guards against silently parsing nothing)
# ---------------------------------------------------------------------------


def test_seed_parses_as_expected(seed):
    assert seed["title"] is not None
    assert len(seed["paragraphs"]) == N_BODY_PARAGRAPHS
    assert list(seed["notes"]) == NOTE_LABELS
    assert seed["keywords"] and seed["bio"]
    assert [t for kind, t in seed["blocks"] if kind == "h"] == SEED_HEADINGS


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


def test_front_matter_title_author_keywords_bio(seed, ms):
    meta = ms["meta"]
    assert f"{meta['title']}: {meta['subtitle']}" == seed["title"]
    assert meta["title"] == "Importing Chinese Revolution"
    assert meta["short-title"] == "Importing Chinese Revolution"
    authors = meta["author"]
    assert isinstance(authors, list) and len(authors) == 1
    assert authors[0]["name"] == {"given": "Joseph", "family": "Yu"}
    assert norm(authors[0]["bio"]) == seed["bio"]
    assert meta["keywords"] == seed["keywords"]


def test_front_matter_settings_and_nothing_invented(ms):
    meta = ms["meta"]
    assert meta["lang"] == "en-GB"
    assert meta["bibliography"] == "references.json"
    assert meta["csl"] == "chicago-notes-bibliography"
    # the seed gives none of these
    for key in ("date", "doi", "abstract", "affiliation", "affiliations"):
        assert key not in meta, f"{key} is not given by the seed"
    assert "affiliation" not in meta["author"][0] and "affiliations" not in meta["author"][0]


def test_figures_dir_exists():
    assert (MS_DIR / "figures" / ".gitkeep").is_file()


# ---------------------------------------------------------------------------
# Body
# ---------------------------------------------------------------------------


def test_one_line_per_paragraph_and_note(ms):
    for _, text in ms["note_defs"]:
        assert "\n" not in text, f"note definition spans several lines: {text[:60]!r}"
    for para in ms["paragraphs"]:
        assert "\n" not in para, f"paragraph is hard-wrapped: {para[:60]!r}"


def test_headings(ms):
    assert [h for h, _ in ms["headings"]] == SEED_HEADINGS
    ids = [i for _, i in ms["headings"]]
    assert all(i and i.startswith("sec-") for i in ids), ids
    assert len(set(ids)) == len(ids)
    # every heading is level 1
    assert len(re.findall(r"^#[ \t]", ms["body"], re.M)) == len(SEED_HEADINGS)
    assert not re.search(r"^#{2,}[ \t]", ms["body"], re.M)


def test_body_paragraphs_verbatim(seed, ms):
    expected = [strip_calls(p, SEED_CALL) for p in seed["paragraphs"]]
    actual = [strip_calls(unescape_md(p), MS_CALL) for p in ms["paragraphs"]]
    for i, para in enumerate(expected):
        assert para in actual, f"seed paragraph {i + 1} missing or altered: {para[:120]!r}…"
    assert actual == expected, "body paragraphs differ from the seed (order, extras or duplicates)"


def test_headings_between_the_right_paragraphs(seed, ms):
    def layout(blocks, call):
        return [(kind, t if kind == "h" else strip_calls(unescape_md(t), call)[:60]) for kind, t in blocks]

    assert layout(ms["blocks"], MS_CALL) == layout(seed["blocks"], SEED_CALL)


def test_note_calls_in_place(seed, ms):
    expected = [canon_calls(p, SEED_CALL) for p in seed["paragraphs"]]
    actual = [canon_calls(unescape_md(p), MS_CALL) for p in ms["paragraphs"]]
    assert len(actual) == len(expected)
    for i, (a, e) in enumerate(zip(actual, expected)):
        assert re.findall(r"\[\^(" + ROMAN + r")\]", a) == re.findall(r"\[\^(" + ROMAN + r")\]", e), (
            f"paragraph {i + 1}: note calls differ"
        )
        assert a == e, f"paragraph {i + 1}: a note call is not at the seed's place"
    calls = [c for p in ms["paragraphs"] for c in MS_CALL.findall(p)]
    assert calls == NOTE_LABELS


def test_note_definitions(seed, ms):
    labels = [label for label, _ in ms["note_defs"]]
    assert len(labels) == N_NOTES
    assert sorted(labels, key=NOTE_LABELS.index) == NOTE_LABELS
    assert len(set(labels)) == N_NOTES
    assert set(labels) == set(seed["notes"])
    for label, text in ms["note_defs"]:
        assert text.strip(), f"note {label} is empty"
        assert not MS_CALL.search(text), f"note {label} contains a note call"


# ---------------------------------------------------------------------------
# Notes: prose verbatim, references replaced by citations
# ---------------------------------------------------------------------------


def test_note_prose_and_citations(seed, ms, refs):
    entries = {e["id"]: e for e in refs}
    defs = dict(ms["note_defs"])
    failures = []
    for label in NOTE_LABELS:
        prose, cites = split_note(defs[label])
        problems = match_note(seed["notes"][label], prose, cites, entries)
        if problems:
            failures.append(f"note {label}: " + "; ".join(problems))
    assert not failures, "\n".join(failures)


def test_note_without_reference_stays_prose(ms):
    assert not CITATION.search(dict(ms["note_defs"])["xiv"])


def test_chinese_headlines_stay_prose(seed, ms):
    note = dict(ms["note_defs"])["xxii"]
    for headline in re.findall(r"“([^”]*[\u4e00-\u9fff][^”]*)”", norm(seed["notes"]["xxii"])):
        assert headline in norm(note)
    prose, cites = split_note(note)
    assert [key for key, _ in cites] == ["koh1978"]


# ---------------------------------------------------------------------------
# references.json
# ---------------------------------------------------------------------------

CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "book", "chapter",
    "document", "manuscript", "report", "webpage", "thesis", "paper-conference", "entry-encyclopedia",
}


def test_references_json_shape(refs):
    assert isinstance(refs, list) and refs
    ids = [e.get("id") for e in refs]
    assert all(isinstance(i, str) and i for i in ids)
    assert len(ids) == len(set(ids)), "duplicate ids"
    for e in refs:
        assert e.get("type") in CSL_TYPES, e["id"]
        assert isinstance(e.get("title"), str) and e["title"], e["id"]
        assert "issued" in e, f"{e['id']} has no issued date"
        for field in ("issued", "accessed"):
            if field in e:
                parts = e[field]["date-parts"]
                assert len(parts) == 1 and all(isinstance(x, int) for x in parts[0]), (e["id"], field)
        for name in _names(e):
            assert set(name) <= {"family", "given", "literal", "static-ordering", "suffix",
                                 "dropping-particle", "non-dropping-particle"}, (e["id"], name)
            assert "literal" in name or ("family" in name and "given" in name), (e["id"], name)
        if e["type"] == "chapter":
            assert e.get("container-title") and e.get("editor"), e["id"]
        if e["type"] == "article-journal":
            assert e.get("container-title"), e["id"]


def test_every_citation_resolves_and_every_entry_is_cited(ms, refs):
    ids = {e["id"] for e in refs}
    cited = set()
    for _, text in ms["note_defs"]:
        cited |= cited_keys(text)
    for para in ms["paragraphs"]:
        cited |= cited_keys(para)
    assert cited - ids == set(), f"cited but not in references.json: {sorted(cited - ids)}"
    assert ids - cited == set(), f"in references.json but never cited: {sorted(ids - cited)}"


def test_chinese_script_metadata(refs):
    by_id = {e["id"]: e for e in refs}
    chinese = [e for e in refs if e.get("title") == "中苏援助与朝鲜战后经济重建"]
    assert len(chinese) == 1
    art = chinese[0]
    assert {"family": "沈", "given": "志华"} in art["author"]
    assert {"family": "董", "given": "洁"} in art["author"]
    assert art["container-title"] == "炎黄春秋"
    assert art["container-title-translated"] == "Yanhuang Chunqiu"
    assert art["title-translated"] == (
        "Sino and Soviet Assistance and the Post-war Economic Reconstruction of North Korea"
    )
    assert art["language"] == "zh-CN"
    web = [e for e in refs if e.get("container-title") == "共识网"]
    assert len(web) == 1 and web[0]["type"] == "webpage"
    assert {"family": "沈", "given": "志华"} in web[0]["author"]
    assert web[0]["container-title-translated"] == "Gongshi wang"
    assert web[0]["URL"].startswith("http") and web[0]["accessed"]
    kcna = [e for e in by_id.values() if e.get("container-title") == "Korean Central News Agency"]
    assert len(kcna) == 1 and kcna[0]["author"] == [{"literal": "Korean Central News Agency"}]
