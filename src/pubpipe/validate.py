"""Validation: the official JATS 1.3 DTD, then the rules journals enforce.

The DTD is the npm package ``@jats4r/dtds`` (the official NLM tree), installed
by ``scripts/setup.sh`` under ``vendor/``; ``PUBPIPE_JATS_SCHEMA`` may point
at another copy of the same ``schema/`` tree. It is loaded from disk, never
fetched. Beyond the DTD come the JATS4R / PMC style-checker rules that the DTD
cannot express: every ``rid`` resolves, ids are unique, figures have alt text,
contributors have structured names, ORCIDs are URLs, references have a
publication-type, required elements are not empty.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import UserError
from .jats import DTD_FILE, XLINK

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_CANDIDATES = (
    REPO_ROOT / "vendor" / "jats-dtds" / "node_modules" / "@jats4r" / "dtds" / "schema",
)
ORCID_URL_RE = re.compile(r"^https://orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
NOT_EMPTY = ("article-title", "surname", "source", "kwd", "label", "title", "p", "institution",
             "funding-source", "license-p", "mixed-citation", "alt-text", "year")


@dataclass
class Problem:
    message: str
    line: int | None = None  # line in the manuscript, where it can be traced

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


def schema_dir() -> Path:
    """The folder holding the JATS ``1.3/`` DTDs."""
    env = os.environ.get("PUBPIPE_JATS_SCHEMA")
    candidates = [Path(env)] if env else list(SCHEMA_CANDIDATES)
    for folder in candidates:
        if (folder / "1.3" / DTD_FILE).is_file():
            return folder
    raise UserError("the official JATS 1.3 DTD is not installed.", candidates[0],
                    hint="Run scripts/setup.sh (it installs the npm package @jats4r/dtds), or set "
                         "PUBPIPE_JATS_SCHEMA to a folder holding 1.3/" + DTD_FILE + ".")


@functools.cache
def load_dtd(folder: str | None = None) -> etree.DTD:
    path = Path(folder) if folder else schema_dir()
    return etree.DTD(str(path / "1.3" / DTD_FILE))


def dtd_problems(tree: etree._ElementTree) -> list[Problem]:
    dtd = load_dtd()
    if dtd.validate(tree):
        return []
    # Re-read the serialised document so that each message carries a JATS line number.
    from .jats import parse_jats, serialize

    numbered = parse_jats(serialize(tree))
    dtd.validate(numbered)
    return [Problem(f"JATS DTD: {e.message} (JATS line {e.line})") for e in dtd.error_log]


def rule_problems(tree: etree._ElementTree, line_of=None) -> list[Problem]:
    """JATS4R / PMC rules beyond the DTD. *line_of(text)* finds a manuscript line."""
    line_of = line_of or (lambda _text: None)
    root = tree.getroot()
    problems: list[Problem] = []
    ids: dict[str, etree._Element] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        el_id = el.get("id")
        if el_id is None:
            continue
        if el_id in ids:
            problems.append(Problem(f"the id '{el_id}' is used twice (<{ids[el_id].tag}> and <{el.tag}>)",
                                    line_of("#" + el_id)))
        ids[el_id] = el
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for rid in (el.get("rid") or "").split():
            if rid not in ids:
                problems.append(Problem(f"<{el.tag} rid=\"{rid}\"> points to no element with that id",
                                        line_of("@" + rid.removeprefix("ref-")) or line_of(rid)))
    for fig in root.iter("fig"):
        has_alt = fig.find("alt-text") is not None or all(
            g.find("alt-text") is not None for g in fig.iter("graphic"))
        if not has_alt:
            problems.append(Problem(f"figure '{fig.get('id', '?')}' has no alt text",
                                    line_of("#" + fig.get("id", "\0"))))
    for contrib in root.iter("contrib"):
        if contrib.find("name") is None and contrib.find("collab") is None:
            problems.append(Problem("a contributor has no structured <name> (surname, given-names)"))
    for cid in root.iter("contrib-id"):
        if cid.get("contrib-id-type") == "orcid" and not ORCID_URL_RE.match((cid.text or "").strip()):
            problems.append(Problem(f"ORCID '{cid.text}' is not in URL form (https://orcid.org/…)"))
    for tag in ("element-citation", "mixed-citation"):
        for cit in root.iter(tag):
            if not cit.get("publication-type"):
                ref = cit.getparent()
                while ref is not None and ref.tag != "ref":
                    ref = ref.getparent()
                problems.append(Problem(f"reference '{ref.get('id') if ref is not None else '?'}' has no "
                                        "publication-type"))
    for tag in NOT_EMPTY:
        for el in root.iter(tag):
            if not "".join(el.itertext()).strip() and not len(el):
                where = el.getparent()
                problems.append(Problem(f"<{tag}> inside <{where.tag if where is not None else '?'}> is empty"))
    for link in root.iter("ext-link", "uri", "self-uri"):
        href = link.get(f"{{{XLINK}}}href", "")
        if href and re.match(r"^\s*(javascript|data|vbscript|file):", href, re.I):
            problems.append(Problem(f"link to '{href[:40]}' uses a forbidden scheme"))
    return problems


def validate(tree: etree._ElementTree, line_of=None) -> list[Problem]:
    """All problems of a JATS document: DTD first, then the journal rules."""
    return dtd_problems(tree) + rule_problems(tree, line_of)


def check(tree: etree._ElementTree, source: Path, line_of=None, stage: str = "JATS") -> None:
    """Raise a :class:`UserError` listing every problem, if there are any."""
    problems = validate(tree, line_of)
    if problems:
        shown = "\n  - ".join(str(p) for p in problems[:25])
        more = f"\n  … and {len(problems) - 25} more" if len(problems) > 25 else ""
        raise UserError(f"the {stage} does not validate ({len(problems)} problem"
                        f"{'s' if len(problems) != 1 else ''}):\n  - {shown}{more}\n", source,
                        hint="Fix the manuscript where the lines above point; if they point into "
                             "pubpipe's own output, report it as a pubpipe bug.")
