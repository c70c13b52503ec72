"""Set-up for the print PDF tests: each manuscript is built once per session (WeasyPrint takes seconds)."""

from __future__ import annotations

import shutil

import pytest
from pdf_build import FIGURES_ARTICLE, FLAGSHIP, POPPLER, Built, build


@pytest.fixture(autouse=True)
def _poppler():
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:  # pragma: no cover - set-up problem
        pytest.skip(f"{', '.join(missing)} (Debian poppler-utils) not installed; run scripts/setup.sh")


@pytest.fixture(scope="session")
def flagship(tmp_path_factory) -> Built:
    """The flagship essay, A4, with its PDF/A-3b variant."""
    return build(FLAGSHIP, tmp_path_factory.mktemp("flagship"), pdf_variants=["pdf/a-3b"])


@pytest.fixture(scope="session")
def figures(tmp_path_factory) -> Built:
    """The figures/table/equation fixture, with its PDF/UA-1 and print-shop variants."""
    return build(FIGURES_ARTICLE, tmp_path_factory.mktemp("figures"), pdf_variants=["pdf/ua-1", "print"])
