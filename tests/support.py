"""Paths and helpers the tests share (importable as `support`: pyproject puts tests/ on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FLAGSHIP = ROOT / "manuscript" / "chollima"


def needs_shared(sub: str) -> Path:
    """The path ../shared/<sub>, or skip the test with the reason."""
    path = SHARED / sub
    if not path.exists():
        pytest.skip(f"../shared/{sub} is absent (only CI and developer machines have it)")
    return path
