"""The bibliography: CSL-JSON items, checked, keyed by id.

CSL-JSON is read as it is; other formats pandoc reads (BibLaTeX, CSL-YAML,
RIS) are converted to CSL-JSON by pandoc. Every entry is checked for the
fields the later stages rely on; problems name the entry and the field.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import UserError, warn
from .jats_refs import element_citation
from .manuscript import check_characters, read_limited
from .pandoc import bibliography_to_csl_json

CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
}
NAME_FIELDS = ("author", "editor", "translator", "container-author", "collection-editor",
               "composer", "director", "editorial-director", "illustrator", "interviewer",
               "original-author", "recipient", "reviewed-author", "chair", "compiler",
               "contributor", "curator", "executive-producer", "guest", "host", "narrator",
               "organizer", "performer", "producer", "script-writer", "series-creator")
DATE_FIELDS = ("issued", "accessed", "original-date", "submitted", "event-date", "available-date")
ID_RE = re.compile(r"^[\w][\w:.#$%&+?<>~/-]*$", re.UNICODE)


def _has_control_character(value) -> bool:
    from .metadata import CONTROL_RE

    if isinstance(value, str):
        return bool(CONTROL_RE.search(value))
    if isinstance(value, list):
        return any(_has_control_character(v) for v in value)
    if isinstance(value, dict):
        return any(_has_control_character(v) for v in value.values())
    return False


def _entry_line(text: str, key: str) -> int | None:
    needle = f'"{key}"'
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def _check_date(value, key: str, field: str, path: Path, line: int | None) -> None:
    if not isinstance(value, dict):
        raise UserError(f"entry '{key}': '{field}' must be a CSL date ({{\"date-parts\": [[2020, 5, 1]]}}).",
                        path, line)
    parts = value.get("date-parts")
    if parts is None:
        if not any(k in value for k in ("literal", "raw", "season")):
            raise UserError(f"entry '{key}': '{field}' has neither 'date-parts' nor 'literal'.", path, line,
                            hint='Write it as {"date-parts": [[2020, 5, 1]]}.')
        return
    if (not isinstance(parts, list) or not parts or len(parts) > 2
            or not all(isinstance(p, list) and 1 <= len(p) <= 3 for p in parts)):
        raise UserError(f"entry '{key}': '{field}.date-parts' must be [[year, month, day]].", path, line)
    for p in parts:
        for i, v in enumerate(p):
            try:
                n = int(v)
            except (TypeError, ValueError):
                raise UserError(f"entry '{key}': '{field}' holds '{v}', which is not a number.", path, line,
                                hint="Dates are numbers: [[2020, 5, 1]].") from None
            if (i == 1 and not 1 <= n <= 24) or (i == 2 and not 1 <= n <= 31):
                raise UserError(f"entry '{key}': '{field}' holds an impossible month or day ({n}).", path, line)


def check_entries(items, path: Path, text: str = "") -> dict[str, dict]:
    """Check CSL-JSON *items*; return them keyed by id, in file order."""
    if not isinstance(items, list):
        raise UserError("a CSL-JSON bibliography must be a list of entries ([ {…}, {…} ]).", path)
    by_id: dict[str, dict] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise UserError(f"entry {index + 1} is not an object.", path)
        key = item.get("id")
        if isinstance(key, int):
            key = item["id"] = str(key)
        line = _entry_line(text, key) if isinstance(key, str) else None
        if not isinstance(key, str) or not key.strip():
            raise UserError(f"entry {index + 1} has no 'id'.", path, hint="Give every entry a unique \"id\".")
        if not ID_RE.match(key):
            raise UserError(f"entry '{key}': the id holds characters a citation key cannot.", path, line,
                            hint="Use letters, digits and _-:. only.")
        if key in by_id:
            raise UserError(f"the id '{key}' is used by two entries.", path, line,
                            hint="Give each work its own id.")
        for field, value in item.items():
            if _has_control_character(value):
                raise UserError(f"entry '{key}': '{field}' holds a control character, which XML cannot carry.",
                                path, line, hint="Delete it (it is usually invisible, pasted from another program).")
        ctype = item.get("type")
        if ctype not in CSL_TYPES:
            raise UserError(f"entry '{key}': 'type' is {json.dumps(ctype)}, not a CSL type.", path, line,
                            hint="Use one of book, chapter, article-journal, article-newspaper, webpage, "
                                 "manuscript, report, thesis, … (CSL 1.0.2).")
        for field, value in item.items():
            if field in NAME_FIELDS:
                if not isinstance(value, list) or not all(isinstance(n, dict) for n in value):
                    raise UserError(f"entry '{key}': '{field}' must be a list of names "
                                    '([{"family": "…", "given": "…"}]).', path, line)
                for n in value:
                    if not any(isinstance(n.get(k), str) and n.get(k).strip() for k in ("family", "literal", "given")):
                        raise UserError(f"entry '{key}': a name in '{field}' has no 'family' or 'literal'.",
                                        path, line)
            elif field in DATE_FIELDS:
                _check_date(value, key, field, path, line)
            elif field in ("title", "container-title", "publisher", "URL", "DOI", "page", "volume", "issue"):
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    raise UserError(f"entry '{key}': '{field}' must be text.", path, line)
        if not any(str(item.get(f) or "").strip() for f in ("title", "container-title")):
            if not len(element_citation(item)):  # what the JATS reference would hold: nothing
                raise UserError(f"entry '{key}' has nothing a reader could find the work by: no title, "
                                "author, date, publisher or link.", path, line,
                                hint="Add at least a title (or author and date).")
            warn(f"entry '{key}' has no title.", path, line)
        by_id[key] = item
    return by_id


def load_bibliography(paths: list[Path]) -> dict[str, dict]:
    """Read every bibliography file; ids must be unique across them."""
    merged: dict[str, dict] = {}
    for path in paths:
        text = read_limited(path)
        check_characters(text, path)
        if path.suffix.lower() == ".json":
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise UserError(f"the CSL-JSON is malformed: {exc.msg}.", path, exc.lineno,
                                hint="Fix the JSON syntax (a missing comma or quote).") from None
        else:
            items = bibliography_to_csl_json(path)
            text = ""
        entries = check_entries(items, path, text)
        for key, item in entries.items():
            if key in merged:
                raise UserError(f"the id '{key}' is in two bibliography files.", path)
            merged[key] = item
    return merged
