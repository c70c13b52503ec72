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

Subsetting is done by HarfBuzz's subsetter (``libharfbuzz-subset``, which
WeasyPrint already needs), called through cffi: it reads only the tables and
glyphs it needs from the memory-mapped collection and takes milliseconds, where
fontTools took about a second per face (it decompiles the 65,000-glyph CFF
table). When the library cannot be loaded, fontTools does the same subset.
Both are deterministic: the same font and characters give the same bytes
(fontTools as long as the ``head`` timestamps are left alone,
``recalcTimestamp = False``).
"""

from __future__ import annotations

import functools
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


CJK_RE = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _RANGES) + "]")


def in_range(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _RANGES)


def cjk_chars(text: str) -> set[str]:
    """The characters of *text* the embedded font is used for (one regex scan, not a test per character)."""
    return set(CJK_RE.findall(text))


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
    """The face as a lazily loaded fontTools font (the fallback subsetter's input)."""
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
    chars = sorted(cjk_chars(text))
    if not chars:
        return None
    harfbuzz = _harfbuzz()
    if harfbuzz is not None:
        found = _find_face(face, harfbuzz)
        if found is None:
            return None
        data = harfbuzz.subset(*found, [ord(ch) for ch in chars])
        if data is not None:
            return data
    return _fonttools_subset(face, chars)


def _fonttools_subset(face: str, chars: list[str]) -> bytes | None:
    from fontTools import subset

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


# ---------------------------------------------------------------------------
# HarfBuzz's subsetter through cffi (ABI mode: no compiler, a handful of declarations)

_HB_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef const struct hb_language_impl_t *hb_language_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
typedef int hb_bool_t;
hb_bool_t hb_version_atleast(unsigned int major, unsigned int minor, unsigned int micro);
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
unsigned int hb_face_count(hb_blob_t *blob);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
unsigned int hb_ot_name_get_utf8(hb_face_t *face, unsigned int name_id, hb_language_t language,
                                 unsigned int *text_size, char *text);
hb_tag_t hb_tag_from_string(const char *str, int len);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_del(hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_clear(hb_set_t *set);
void hb_set_invert(hb_set_t *set);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
# hb_subset_sets_t and hb_subset_flags_t (hb-subset.h, HarfBuzz >= 4.1)
SETS_NO_SUBSET_TABLE_TAG, SETS_DROP_TABLE_TAG, SETS_NAME_ID, SETS_NAME_LANG_ID, SETS_LAYOUT_FEATURE_TAG = 2, 3, 4, 5, 6
FLAGS_NO_HINTING, FLAGS_NOTDEF_OUTLINE = 0x01, 0x40


class _HarfBuzz:
    def __init__(self, ffi, hb, hb_subset):
        self.ffi, self.hb, self.hb_subset = ffi, hb, hb_subset

    def family_names(self, path: Path) -> list[str]:
        """The English family name (name ID 1) of each face of a font file or collection."""
        ffi, hb = self.ffi, self.hb
        blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
        if blob == ffi.NULL:
            return []
        try:
            names = []
            for index in range(hb.hb_face_count(blob)):
                face = hb.hb_face_create(blob, index)
                try:
                    size = ffi.new("unsigned int *", 256)
                    text = ffi.new("char[]", 256)
                    hb.hb_ot_name_get_utf8(face, 1, ffi.NULL, size, text)
                    names.append(ffi.string(text).decode("utf-8", "replace"))
                finally:
                    hb.hb_face_destroy(face)
            return names
        finally:
            hb.hb_blob_destroy(blob)

    def subset(self, path: Path, index: int, codepoints: list[int]) -> bytes | None:
        """The face *index* of *path* subset to *codepoints*, with the options of the fontTools
        fallback: every name record in every language, every layout feature, no hinting,
        the .notdef outline kept; the BASE table (baselines, no glyph ids) passed through."""
        ffi, hb, hbs = self.ffi, self.hb, self.hb_subset
        blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
        if blob == ffi.NULL:
            return None
        face = hb.hb_face_create(blob, index)
        request = hbs.hb_subset_input_create_or_fail()
        subset = out_blob = ffi.NULL
        try:
            if request == ffi.NULL:
                return None
            unicodes = hbs.hb_subset_input_unicode_set(request)
            for cp in codepoints:
                hb.hb_set_add(unicodes, cp)
            for kind in (SETS_NAME_ID, SETS_NAME_LANG_ID, SETS_LAYOUT_FEATURE_TAG):
                keep = hbs.hb_subset_input_set(request, kind)
                hb.hb_set_clear(keep)
                hb.hb_set_invert(keep)  # the empty set inverted: everything
            base = hb.hb_tag_from_string(b"BASE", 4)
            hb.hb_set_del(hbs.hb_subset_input_set(request, SETS_DROP_TABLE_TAG), base)
            hb.hb_set_add(hbs.hb_subset_input_set(request, SETS_NO_SUBSET_TABLE_TAG), base)
            hbs.hb_subset_input_set_flags(request, FLAGS_NO_HINTING | FLAGS_NOTDEF_OUTLINE)
            subset = hbs.hb_subset_or_fail(face, request)
            if subset == ffi.NULL:
                return None
            out_blob = hb.hb_face_reference_blob(subset)
            length = ffi.new("unsigned int *")
            data = hb.hb_blob_get_data(out_blob, length)
            return bytes(ffi.buffer(data, length[0])) if length[0] else None
        finally:
            if out_blob != ffi.NULL:
                hb.hb_blob_destroy(out_blob)
            if subset != ffi.NULL:
                hb.hb_face_destroy(subset)
            if request != ffi.NULL:
                hbs.hb_subset_input_destroy(request)
            hb.hb_face_destroy(face)
            hb.hb_blob_destroy(blob)


@functools.cache
def _harfbuzz() -> _HarfBuzz | None:
    """HarfBuzz and its subsetter (>= 4.1), or None: then fontTools subsets."""
    import os

    if os.environ.get("PUBPIPE_FONT_SUBSETTER", "").lower() == "fonttools":
        return None
    try:
        from cffi import FFI

        ffi = FFI()
        ffi.cdef(_HB_CDEF)
        hb = ffi.dlopen("libharfbuzz.so.0")
        hb_subset = ffi.dlopen("libharfbuzz-subset.so.0")
        if not hb.hb_version_atleast(4, 1, 0):
            return None
        return _HarfBuzz(ffi, hb, hb_subset)
    except (ImportError, OSError, AttributeError):
        return None


@functools.cache
def _face_index(path: Path, mtime_ns: int, family: str, harfbuzz: _HarfBuzz) -> int | None:
    names = harfbuzz.family_names(path)
    return names.index(family) if family in names else None


def _find_face(face: str, harfbuzz: _HarfBuzz) -> tuple[Path, int] | None:
    """(file, face index) of the Noto Serif CJK *face* on this machine."""
    family = FACES[face]
    for path in find_font_file():
        if path.suffix == ".ttc":
            index = _face_index(path, path.stat().st_mtime_ns, family, harfbuzz)
            if index is not None:
                return path, index
        elif re.search(rf"NotoSerifCJK{face}-Regular\.otf$", path.name, re.I):
            return path, 0
    return None
