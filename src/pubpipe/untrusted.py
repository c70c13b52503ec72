"""Checks on what a manuscript points at: it is untrusted input.

A manuscript may name files and URLs in image paths, links and SVG figures. pubpipe
reads nothing outside the manuscript folder, fetches nothing from the network and runs
no script, so these checks run while the JATS is made, before any rendition sees it:

- images must be files inside the folder, of a known raster type or a safe SVG;
- SVG figures are parsed without DTDs, entities or network, and refused when they hold
  scripts, event handlers, ``<foreignObject>``, or references to anything but their own
  fragments and ``data:`` URIs;
- links keep only the schemes a reader can follow safely (http, https, mailto, doi and
  in-document ``#`` targets); others are dropped with a warning, keeping their text.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .errors import UserError

MAX_FIGURE_BYTES = 50 * 1024 * 1024
SAFE_LINK_RE = re.compile(r"^(https?://|mailto:|doi:|#)", re.I)
RASTER_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def safe_link(url: str) -> bool:
    return bool(SAFE_LINK_RE.match(url.strip()))


def check_image_file(path: Path, md_path: Path, line: int | None) -> None:
    """Refuse an image that is too large, of an unknown type, not what its name says, or unsafe SVG."""
    size = path.stat().st_size
    if size > MAX_FIGURE_BYTES:
        raise UserError(f"the image '{path.name}' is {size // (1024 * 1024)} MiB; pubpipe takes images up to "
                        f"{MAX_FIGURE_BYTES // (1024 * 1024)} MiB.", md_path, line, hint="Shrink it.")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        check_svg(path, md_path, line)
        return
    magics = RASTER_MAGIC.get(suffix)
    if magics is None:
        raise UserError(f"the image '{path.name}' is not PNG, JPEG, GIF, WebP or SVG.", md_path, line,
                        hint="Convert it to one of those formats.")
    with path.open("rb") as handle:
        head = handle.read(12)
    if not any(head.startswith(m) for m in magics):
        raise UserError(f"the image '{path.name}' is not a {suffix[1:].upper()} file (its bytes say otherwise).",
                        md_path, line, hint="Export it again in the format its name says.")


def check_svg(path: Path, md_path: Path, line: int | None) -> None:
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, huge_tree=False)
    try:
        tree = etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the SVG '{path.name}' is not well-formed XML: {exc.msg}.", md_path, line) from None
    problems = []
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        problems.append("a DOCTYPE (entities)")
    for el in tree.iter():
        if not isinstance(el.tag, str):
            if isinstance(el, etree._Entity):
                problems.append("an entity reference")
            continue
        local = etree.QName(el).localname
        if local in ("script", "foreignObject", "iframe", "object", "embed", "handler"):
            problems.append(f"<{local}>")
        for name, value in el.attrib.items():
            attr = etree.QName(name).localname
            if attr.lower().startswith("on"):
                problems.append(f"an event handler ({attr})")
            elif attr == "href" and not (value.startswith("#") or value.startswith("data:image/")):
                problems.append(f"a reference to '{value[:60]}'")
            elif attr == "style" and re.search(r"url\(\s*['\"]?(?!#)|@import", value, re.I):
                problems.append("a style that loads a URL")
        if local == "style" and re.search(r"url\(\s*['\"]?(?!#)|@import", el.text or "", re.I):
            problems.append("a stylesheet that loads a URL")
    if problems:
        unique = list(dict.fromkeys(problems))
        raise UserError(f"the SVG '{path.name}' holds {', '.join(unique[:5])}; pubpipe renders only "
                        "self-contained SVG (no scripts, no outside references).", md_path, line,
                        hint="Export it again as plain SVG, with images embedded.")
