"""Shared test set-up: paths, and the JATS schema when scripts/setup.sh has not run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FLAGSHIP = ROOT / "manuscript" / "chollima"

if not os.environ.get("PUBPIPE_JATS_SCHEMA"):
    from pubpipe.validate import SCHEMA_CANDIDATES

    if not any((c / "1.3").is_dir() for c in SCHEMA_CANDIDATES) and (SHARED / "jats-schema" / "1.3").is_dir():
        os.environ["PUBPIPE_JATS_SCHEMA"] = str(SHARED / "jats-schema")


def needs_shared(sub: str) -> Path:
    """The path ../shared/<sub>, or skip the test with the reason."""
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"../shared/{sub} is absent (only CI and developer machines have it)")
    return path


@pytest.fixture
def manuscript_dir(tmp_path):
    """Write a small manuscript folder: make(md_text, references=list|None, files={name: text})."""
    import json

    def make(md: str, references=None, files=None, name="paper") -> Path:
        folder = tmp_path / name
        (folder / "figures").mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text(md, encoding="utf-8")
        if references is not None:
            (folder / "references.json").write_text(json.dumps(references, ensure_ascii=False), encoding="utf-8")
        for rel, content in (files or {}).items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return make
