"""Shared fixtures, and the JATS schema from ../shared when scripts/setup.sh has not installed it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support import SHARED

if not os.environ.get("PUBPIPE_JATS_SCHEMA"):
    from pubpipe.validate import SCHEMA_CANDIDATES

    if not any((c / "1.3").is_dir() for c in SCHEMA_CANDIDATES) and (SHARED / "jats-schema" / "1.3").is_dir():
        os.environ["PUBPIPE_JATS_SCHEMA"] = str(SHARED / "jats-schema")


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
