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
    draft = markdown_to_jats(ms)
    check(draft.tree, ms.markdown, ms.line_of, stage="draft JATS")
    tree = apply_citations(draft, ms, style=style)
    check(tree, ms.markdown, ms.line_of, stage="JATS with formatted citations")
    out_xml = Path(out_xml)
    atomic.write_bytes(out_xml, serialize(tree))
    return out_xml
