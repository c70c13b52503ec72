"""The straight line, stage by stage, each a function from files to files.

    Markdown + front matter + bibliography
      -> pandoc -> draft JATS -> validate         (markdown_to_jats, validate)
      -> citations written into the JATS -> validate again   (citations)
      -> HTML (web), print HTML -> PDF, EPUB       (renditions, from the finished JATS)

Every rendition reads the finished ``<slug>.xml``; nothing downstream goes back
to the Markdown, so the PDF, EPUB and HTML cannot disagree with the JATS.
"""

from __future__ import annotations

from pathlib import Path

from . import atomic
from .citations import apply_citations
from .jats import serialize
from .manuscript import Manuscript, load_manuscript
from .markdown_to_jats import markdown_to_jats
from .validate import check


def output_paths(out_dir: Path, slug: str) -> dict[str, Path]:
    """Where the renditions of manuscript *slug* go."""
    return {fmt: out_dir / f"{slug}.{ext}" for fmt, ext in
            (("jats", "xml"), ("html", "html"), ("pdf", "pdf"), ("epub", "epub"))}


def make_jats(folder: str | Path, out_xml: str | Path, style: str | None = None,
              ms: Manuscript | None = None) -> Path:
    """Manuscript folder → finished, validated JATS at *out_xml* (written atomically)."""
    ms = ms or load_manuscript(folder)
    preparing = _prepare_style(ms, style)
    draft = markdown_to_jats(ms)
    preparing.join()
    check(draft.tree, ms.markdown, ms.line_of, stage="draft JATS")
    tree = apply_citations(draft, ms, style=style)
    check(tree, ms.markdown, ms.line_of, stage="JATS with formatted citations")
    out_xml = Path(out_xml)
    atomic.write_bytes(out_xml, serialize(tree))
    return out_xml


def _prepare_style(ms: Manuscript, style: str | None):
    """Load the JATS DTD and the citation style in a thread while pandoc runs.

    The Markdown stage spends most of its time waiting for its two pandoc processes; the
    DTD and the style (finding it, checking it against the CSL schema, building
    citeproc-py's style and locale: ~0.17 s together) do not depend on them. The thread
    only fills the caches that :func:`pubpipe.validate.check` and
    :func:`pubpipe.citations.apply_citations` read; whatever goes wrong in it is left for
    those calls to find and report in the usual order (the check that a manuscript's own
    style path lies inside its folder comes first, as it does there).
    """
    import threading

    def prepare():
        try:
            from .validate import load_dtd

            load_dtd()  # the DTD the draft is checked against (cached per process)
        except Exception:  # noqa: BLE001 - check() reports a missing DTD
            pass
        try:
            from .citations import _check_manuscript_style_path, choose_lang, get_engine, resolve_style

            if not style and ms.meta.csl:
                _check_manuscript_style_path(ms)
            resolved = resolve_style(style or ms.meta.csl or None, ms.folder, ms.markdown)
            get_engine(resolved, choose_lang(getattr(ms.meta, "lang", None), resolved))
        except Exception:  # noqa: BLE001 - reported by apply_citations, in its place
            pass

    thread = threading.Thread(target=prepare, name="pubpipe-style", daemon=True)
    thread.start()
    return thread
