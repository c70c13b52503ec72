"""An embeddable CJK font for the EPUB: Noto Serif CJK, subset to the characters used.

The choice
----------
Reading systems differ in what CJK fonts they carry (many e-ink readers have
none, so Chinese, Japanese or Korean text shows as empty boxes). The EPUB
therefore embeds **Noto Serif CJK** (Adobe/Google, the same design as Source
Han Serif), licensed under the SIL Open Font License 1.1, which allows
embedding and subsetting. A full face is 20-30 MB, so each face is subset to
the characters the article actually uses in text of that language (a few
dozen to a few hundred glyphs: tens of kilobytes). The subset keeps every
record of the font's name table, so the copyright notice and the OFL licence
statement travel with it. One face per language, because the same code point
has a different standard glyph in each region (SC, TC, HK, JP, KR).

The font comes from the machine (Debian's ``fonts-noto-cjk``: the
``NotoSerifCJK-Regular.ttc`` collection, or single-language
``NotoSerifCJK{sc,tc,hk,jp,kr}-Regular.otf`` files). Without it the EPUB
still builds and names the font in its CSS, so reading systems that have it
use it; a warning says the font was not embedded.

Subsetting with fontTools is deterministic as long as the font's ``head``
timestamps are left alone (``recalcTimestamp = False``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
             Path.home() / ".fonts")

# language tag -> (region code of the Noto CJK face, its family name)
FACES = {
    "sc": "Noto Serif CJK SC", "tc": "Noto Serif CJK TC", "hk": "Noto Serif CJK HK",
    "jp": "Noto Serif CJK JP", "kr": "Noto Serif CJK KR",
}
# Characters the embedded font is used for (CSS unicode-range): CJK punctuation, kana,
# Hangul, ideographs, compatibility and full-width forms. Latin text in a Chinese
# reference keeps the book's own font.
UNICODE_RANGE = ("U+1100-11FF, U+2E80-2FDF, U+3000-303F, U+3040-30FF, U+3100-312F, U+3130-318F, "
                 "U+31A0-31FF, U+3200-33FF, U+3400-4DBF, U+4E00-9FFF, U+A960-A97F, U+AC00-D7FF, "
                 "U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF, U+20000-2FA1F")
_RANGES = [tuple(int(x, 16) for x in r.strip()[2:].split("-")) for r in UNICODE_RANGE.split(",")]


def in_range(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _RANGES)


def face_for_lang(lang: str) -> str | None:
    """The Noto CJK region code for a BCP 47 tag, or None for a non-CJK language."""
    parts = lang.lower().replace("_", "-").split("-")
    if parts[0] == "ja":
        return "jp"
    if parts[0] == "ko":
        return "kr"
    if parts[0] not in ("zh", "cmn", "yue", "lzh"):
        return None
    if "hant" in parts:
        return "hk" if ("hk" in parts or "mo" in parts) else "tc"
    if "hk" in parts or "mo" in parts or parts[0] == "yue":
        return "hk"
    if "tw" in parts:
        return "tc"
    return "sc"


def find_font_file() -> list[Path]:
    """Noto Serif CJK Regular files on this machine: a .ttc collection first, else per-language .otf."""
    found: list[Path] = []
    for root in FONT_DIRS:
        if not root.is_dir():
            continue
        found += sorted(root.rglob("NotoSerifCJK-Regular.ttc"))
        found += sorted(p for p in root.rglob("NotoSerifCJK*-Regular.otf"))
    return found


def _load_face(face: str):
    from fontTools.ttLib import TTCollection, TTFont

    family = FACES[face]
    for path in find_font_file():
        if path.suffix == ".ttc":
            collection = TTCollection(str(path), lazy=True)
            for font in collection.fonts:
                if font["name"].getDebugName(1) == family:
                    return font
        elif re.search(rf"NotoSerifCJK{face}-Regular\.otf$", path.name, re.I):
            return TTFont(str(path), lazy=True)
    return None


def subset_font(face: str, text: str) -> bytes | None:
    """The Noto Serif CJK *face* subset to the characters of *text* (OpenType/CFF bytes), or None."""
    from fontTools import subset

    chars = sorted({ch for ch in text if in_range(ch)})
    if not chars:
        return None
    font = _load_face(face)
    if font is None:
        return None
    options = subset.Options()
    options.name_IDs = ["*"]  # keep copyright (0), licence (13) and licence URL (14)
    options.name_languages = ["*"]
    options.layout_features = ["*"]  # vertical forms, locl, punctuation width
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
    subsetter.subset(font)
    font.recalcTimestamp = False  # the head table keeps the font's own dates: deterministic bytes
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
