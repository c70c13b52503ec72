"""Synthetic manuscripts for the benchmarks, made from the flagship as a template.

``make_issue(dest, n)`` writes a journal issue of *n* articles with varied lengths, notes and
references; ``make_scaled(dest, factor)`` writes one article *factor* times the flagship's
length. Both are deterministic (seeded), so runs compare like with like.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "manuscript" / "chollima"
NOTE_DEF = re.compile(r"^\[\^([^\]]+)\]: (.*)$")


def _parts() -> tuple[str, list[str], dict[str, str], list[dict]]:
    """(front matter, body blocks, note definitions by label, references) of the flagship."""
    text = (FLAGSHIP / "chollima.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    blocks, notes = [], {}
    for block in body.strip().split("\n\n"):
        m = NOTE_DEF.match(block)
        if m:
            notes[m[1]] = m[2]
        else:
            blocks.append(block)
    refs = json.loads((FLAGSHIP / "references.json").read_text(encoding="utf-8"))
    return front, blocks, notes, refs


def _article(blocks: list[str], notes: dict[str, str], copies: int, rng: random.Random | None) -> tuple[str, set[str]]:
    """Body text of *copies* passes over the flagship's blocks, with notes renamed per copy."""
    out, defs, used_keys = [], [], set()
    for copy in range(copies):
        chosen = blocks if rng is None else [b for b in blocks if b.startswith("#") or rng.random() < 0.8]
        for block in chosen:
            renamed = re.sub(r"\[\^([^\]]+)\]", lambda m: f"[^{m[1]}-{copy}]", block)
            if block.startswith("#"):
                renamed = re.sub(r"\{#([^}]+)\}", lambda m: f"{{#{m[1]}-{copy}}}", renamed)
            out.append(renamed)
            for label in re.findall(r"\[\^([^\]]+)\]", block):
                note = notes[label]
                defs.append(f"[^{label}-{copy}]: {note}")
                used_keys.update(re.findall(r"@([\w:-]+)", note))
    return "\n\n".join(out + defs) + "\n", used_keys


def _write(folder: Path, title: str, front: str, body: str, refs: list[dict], keys: set[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "figures").mkdir(exist_ok=True)
    front = re.sub(r'^title: .*$', f'title: "{title}"', front, count=1, flags=re.M)
    (folder / f"{folder.name}.md").write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    cited = [r for r in refs if r["id"] in keys]
    (folder / "references.json").write_text(json.dumps(cited, ensure_ascii=False, indent=1), encoding="utf-8")


def make_issue(dest: Path, n: int = 30, seed: int = 2026) -> list[Path]:
    """*n* articles of 0.5x-2x the flagship's length under dest/manuscript/."""
    front, blocks, notes, refs = _parts()
    rng = random.Random(seed)
    folders = []
    for i in range(n):
        copies = rng.choice([1, 1, 1, 2])
        body, keys = _article(blocks, notes, copies, rng)
        if rng.random() < 0.3:  # some short articles
            paragraphs = body.split("\n\n")
            body = "\n\n".join(paragraphs[: max(4, len(paragraphs) // 3)])
            body, keys = _keep_defined_notes(body, notes, copies)
        folder = dest / "manuscript" / f"article-{i + 1:02d}"
        _write(folder, f"Synthetic article {i + 1}", front, body, refs, keys)
        folders.append(folder)
    return folders


def _keep_defined_notes(body: str, notes: dict[str, str], copies: int) -> tuple[str, set[str]]:
    """After truncation, keep only note definitions whose calls survive (and vice versa)."""
    blocks = [b for b in body.split("\n\n") if not b.startswith("[^")]
    calls = set(re.findall(r"\[\^([^\]]+)\]", "\n\n".join(blocks)))
    defs, keys = [], set()
    for label in sorted(calls, key=lambda c: (len(c), c)):
        base = label.rsplit("-", 1)[0]
        defs.append(f"[^{label}]: {notes[base]}")
        keys.update(re.findall(r"@([\w:-]+)", notes[base]))
    return "\n\n".join(blocks + defs) + "\n", keys


def make_scaled(dest: Path, factor: int) -> Path:
    """One article *factor* times the flagship's length."""
    front, blocks, notes, refs = _parts()
    body, keys = _article(blocks, notes, factor, None)
    folder = dest / "manuscript" / f"scaled-{factor}x"
    _write(folder, f"The flagship, {factor} times", front, body, refs, keys)
    return folder


def make_project(dest: Path) -> Path:
    """A project folder (dodo.py, csl/) in which doit builds dest/manuscript/*."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "dodo.py", dest / "dodo.py")
    if (ROOT / "csl").is_dir():
        shutil.copytree(ROOT / "csl", dest / "csl", dirs_exist_ok=True)
    return dest
