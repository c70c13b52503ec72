"""Work-arounds for WeasyPrint 70 defects, applied in pubpipe's process only (site-packages untouched).

1. Footnote-area overflow (upstream issue #2502), and its cost. ``LayoutContext._update_footnote_area``
   lays the footnote area out again and reports an overflow when the bottom of its
   last note lies below the bottom of the area, comparing the two floats exactly.
   The two values come from different sums of the same lengths, so they differ by
   rounding (2e-13 px was measured) and WeasyPrint reports an overflow that is not
   there: the note is pushed to the next page, the page is remade, notes are lost.
   The patched method is the same code with a tolerance of 1e-6 px. It also stops
   laying every note of the page out again each time a note is added (a third of
   the layout time of a 46-note article): each note's height is measured once, and
   the area's height is their sum (rounded up by at most one note's bottom margin;
   :func:`pubpipe.pdf_checks.layout_overlaps` checks no text runs under the notes).

2. Notes moved away from their calls. When a line does not fit at the bottom of a page
   and breaking before it would break the widows/orphans rules, ``_linebox_layout``
   "reports" the notes of *earlier* lines of the page to the next page to make room,
   leaving their calls behind (what NOTES.md measured: notes landing on the next page
   with every footnote-policy; upstream PR #2437 area). pubpipe wants a call and its
   note on the same page above all, so the patched function never reports earlier
   notes: the line goes to the next page instead. The patch is made from the installed
   function's own source with that one statement changed, and is skipped (with a
   warning; the note check still guards the output) if the statement is not found.

3. Tagged PDF (PDF/UA) gaps: an element carrying ``lang`` gets no ``/Lang`` in its
   structure element, and a footnote (``float: footnote``) is tagged ``/Span``.
   The wrapper around ``pdf.tags._build_box_tree`` adds ``/Lang``, tags footnote
   bodies ``/Note``, and formulas (``img.math``, see :mod:`pubpipe.math_svg`)
   ``/Formula`` with their alt text.

4. C type declarations parsed again and again. WeasyPrint allocates arrays with
   ``ffi.new(f"hb_codepoint_t[{n}]", values)``; cffi parses every new declaration
   string with pycparser against all of WeasyPrint's declarations (about 6 ms each) and
   caches it by the string, so each distinct length costs a parse: twelve or more per
   PDF (three per embedded font), 70-100 ms of every PDF build. ``ffi.new`` is wrapped so
   that ``T[n]`` with a list of *n* initial values (or none) is allocated as ``T[]`` with
   the values (or *n*), the same array, with a declaration parsed once per process.
   :data:`FFI_TYPES` lists the declarations WeasyPrint uses, so that an idle worker can
   parse them ahead (:mod:`pubpipe.workers`).

:func:`apply` is idempotent and is called by :mod:`pubpipe.render_pdf` before it renders.
"""

from __future__ import annotations

import re
from math import inf

EPSILON_PX = 1e-6
_applied = False
ORIGINALS: dict = {}  # what apply() replaced, for tests and for anyone who needs the stock behaviour


def _additive(area) -> bool:
    """Whether the area's height is the sum of its notes' heights (no max-height, no collapsing
    between notes because no note has a top margin)."""
    if area.style['height'] != 'auto' or area.max_height != inf:
        return False
    for note in area.children:
        top = note.style['margin_top']
        if getattr(top, 'value', 1) != 0 or note.style['float'] not in ('none', 'footnote'):
            return False
    return True


def _chrome(area) -> float:
    return (area.margin_top + area.margin_bottom + area.border_top_width + area.border_bottom_width
            + area.padding_top + area.padding_bottom)


def _note_height(context, area, note) -> float:
    """The height one note adds to the footnote area, cached per note and area width."""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    cache = context.__dict__.setdefault('_pubpipe_note_heights', {})
    key = (id(note), area.width)
    if key not in cache:
        saved = area.children
        area.children = [note]
        try:
            laid = block_level_layout(context, build.create_anonymous_boxes(area.deepcopy()),
                                      -inf, None, area.page)[0]
        finally:
            area.children = saved
        # The note's bottom margin collapses through the area's bottom and is lost from its
        # height here; between notes it counts, so add it back (the last one: 1-2 px to spare).
        margin = laid.children[-1].margin_bottom if laid.children else 0
        cache[key] = (laid.margin_height() - _chrome(area) + (margin or 0), note)  # keeps the note alive: ids stay unique
    return cache[key][0]


def _update_footnote_area(self):
    """``LayoutContext._update_footnote_area`` of WeasyPrint 70 with a float tolerance, and
    without laying every note of the page out again each time one is added: when the area's
    height is the sum of its notes' heights, each note is laid out once and its height reused.
    (The area itself is still laid out in full when the page is finished; pubpipe's checks
    compare the result with the text it must not overlap.)"""
    from weasyprint.formatting_structure import build
    from weasyprint.layout.block import block_level_layout

    if self.current_footnote_area.height != 'auto' and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    area = self.current_footnote_area
    if area.children and _additive(area):
        area.height = sum(_note_height(self, area, note) for note in area.children)
        if not self.in_column:
            self.page_bottom -= area.margin_height()
        return False  # laid out without a bottom limit, an auto-height area cannot overflow
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(
            self, footnote_area, -inf, None, self.current_footnote_area.page)[0]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = (
            last_child.position_y + last_child.margin_height() - last_child.margin_bottom)
        footnote_area_bottom = (
            footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom)
        return last_child_bottom > footnote_area_bottom + EPSILON_PX
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


REPORT_STATEMENT = "report = not context.in_column and can_break_now and not could_break_before"


def _linebox_layout_keeping_notes():
    """``weasyprint.layout.block._linebox_layout`` that never reports earlier notes (see 2.)."""
    import inspect
    import textwrap

    from weasyprint.layout import block

    source = textwrap.dedent(inspect.getsource(block._linebox_layout))
    if source.count(REPORT_STATEMENT) != 1:
        return None
    source = source.replace(REPORT_STATEMENT, "report = False  # pubpipe: keep notes with their calls")
    namespace: dict = {}
    exec(compile(source, f"<pubpipe patch of {inspect.getsourcefile(block)}>", "exec"),  # noqa: S102
         block.__dict__, namespace)
    patched = namespace["_linebox_layout"]
    patched.__wrapped__ = block._linebox_layout
    return patched


def _wrap_build_box_tree(original):
    import pydyf

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        element = getattr(box, "element", None)
        own = (element is not None and isinstance(getattr(element, "tag", None), str)
               and box.element_tag == element.tag and element.tag not in ("html", "body"))
        for struct in original(box, parent, pdf, page_number, nums, annotations, tags):
            if own and struct.get("P") == parent.reference:
                lang = element.get("lang")
                if lang and "Lang" not in struct:
                    struct["Lang"] = pydyf.String(lang)
                if element.get("class", "").split().count("footnote") and struct.get("S") == "/Span":
                    struct["S"] = "/Note"
                    if element.get("id"):
                        struct["ID"] = pydyf.String(element.get("id"))
                if element.tag == "img" and "math" in element.get("class", "").split():
                    struct["S"] = "/Formula"
                    if element.get("alt") and "Alt" not in struct:
                        struct["Alt"] = pydyf.String(element.get("alt"))
            yield struct

    build_box_tree.__wrapped__ = original
    return build_box_tree


_FIXED_ARRAY = re.compile(r"^\s*([A-Za-z_][\w\s]*?)\s*\[\s*(\d+)\s*\]\s*$")
FFI_TYPES = ("hb_codepoint_t[]", "hb_tag_t[]", "char[]", "PangoLogAttr[]", "PangoRectangle *",
             "unsigned int *", "FcChar8 **", "FcResult *", "PangoFcFontMap *")


def _new_with_open_arrays(original):
    """``ffi.new`` allocating ``T[n]`` as ``T[]`` (see 4.); anything else is passed on unchanged.

    ``ffi.new`` is called some 15,000 times per PDF, so the wrapper costs one dict look-up
    per call: each declaration is examined once and remembered.
    """
    seen: dict = {}

    def examine(cdecl):
        match = _FIXED_ARRAY.match(cdecl) if type(cdecl) is str else None
        return (f"{match[1]}[]", int(match[2])) if match else None

    def new(cdecl, init=None):
        try:
            open_array = seen[cdecl]
        except KeyError:
            open_array = seen[cdecl] = examine(cdecl)
        if open_array is not None:
            if init is None:
                return original(open_array[0], open_array[1])
            if isinstance(init, (list, tuple)) and len(init) == open_array[1]:  # not bytes: char[] adds a NUL
                return original(open_array[0], init)
        return original(cdecl, init)

    new.__wrapped__ = original
    return new


def apply() -> None:
    """Install the work-arounds (once per process)."""
    global _applied
    if _applied:
        return
    import weasyprint
    from weasyprint.layout import LayoutContext
    from weasyprint.pdf import tags

    if not weasyprint.__version__.startswith("70."):
        # The patched method is a copy of version 70's: on another version, check it first.
        import warnings

        warnings.warn(f"pubpipe's WeasyPrint patches were written for WeasyPrint 70, "
                      f"not {weasyprint.__version__}; footnote verification still guards the output.")
    ORIGINALS.setdefault("update_footnote_area", LayoutContext._update_footnote_area)
    LayoutContext._update_footnote_area = _update_footnote_area
    from weasyprint.layout import block

    if not hasattr(block._linebox_layout, "__wrapped__"):
        patched = _linebox_layout_keeping_notes()
        if patched is None:
            import warnings

            warnings.warn("pubpipe could not patch WeasyPrint's note reporting; notes may move to the "
                          "next page (the note check will then fail the build).")
        else:
            block._linebox_layout = patched
    if not hasattr(tags._build_box_tree, "__wrapped__"):
        tags._build_box_tree = _wrap_build_box_tree(tags._build_box_tree)
    from weasyprint.text.ffi import ffi

    if not hasattr(ffi.new, "__wrapped__"):
        ffi.new = _new_with_open_arrays(ffi.new)
    _applied = True
