"""The manuscript convention: one folder per manuscript.

``manuscript/<slug>/`` holds one Markdown file with YAML front matter, a
bibliography (``references.json`` CSL-JSON, or any file named in the front
matter's ``bibliography``), and ``figures/``. The folder's name is the slug the
outputs are named after.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError
from .metadata import Metadata, load_metadata

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a manuscript or bibliography larger than this is refused
DEFAULT_BIBLIOGRAPHY = ("references.json", "references.bib", "references.yaml")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")  # where str.splitlines() splits


@dataclass
class Manuscript:
    folder: Path
    slug: str
    markdown: Path
    bibliography: list[Path]
    meta: Metadata
    text: str

    @property
    def figures(self) -> Path:
        return self.folder / "figures"

    def line_of(self, needle: str) -> int | None:
        """First line of the Markdown file that holds *needle* (for error messages).

        Called for every citation and cross-reference, so the lines are split once and
        searched as one string (splitting the text at every call made the Markdown stage
        quadratic in the manuscript's length). A needle with a line break in it is in no line.
        """
        joined = self._joined_lines
        if joined is None or any(ch in _LINE_BREAKS for ch in needle):
            return None
        index = joined.find(needle)
        return None if index < 0 else joined.count("\n", 0, index) + 1

    @functools.cached_property
    def _joined_lines(self) -> str | None:
        lines = self.text.splitlines()
        return "\n".join(lines) if lines else None


def slug_of(folder: Path) -> str:
    """The name outputs are given: the folder's name, reduced to letters, digits, '.', '_' and '-'."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(folder).resolve().name).strip("-.") or "article"


def read_limited(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise UserError(f"the file is {size // (1024 * 1024)} MiB; pubpipe reads inputs up to "
                            f"{MAX_INPUT_BYTES // (1024 * 1024)} MiB.", path, hint="Split or shrink it.")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"the file is not UTF-8 text (byte {exc.start}).", path,
                        hint="Save it as UTF-8.") from None
    except OSError as exc:
        raise UserError(f"the file cannot be read: {exc.strerror}.", path) from None


def check_characters(text: str, path: Path) -> None:
    """Refuse control characters, which XML (and so JATS) cannot carry."""
    from .metadata import CONTROL_RE

    bad = CONTROL_RE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise UserError(f"the file holds the control character U+{ord(bad.group()):04X}, which XML cannot carry.",
                        path, line, hint="Delete it (it is usually invisible, pasted from another program).")


def find_markdown(folder: Path) -> Path:
    candidates = sorted(p for p in folder.glob("*.md") if p.name.lower() != "readme.md")
    if not candidates:
        raise UserError("no Markdown manuscript (*.md) in this folder.", folder,
                        hint="Put the manuscript in manuscript/<slug>/<slug>.md.")
    if len(candidates) > 1:
        preferred = folder / f"{folder.name}.md"
        if preferred in candidates:
            return preferred
        raise UserError(f"several Markdown files ({', '.join(p.name for p in candidates)}); "
                        "pubpipe does not know which is the manuscript.", folder,
                        hint=f"Keep one, or name the manuscript {folder.name}.md.")
    return candidates[0]


def inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def load_manuscript(folder: str | Path) -> Manuscript:
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError("there is no manuscript folder here.", folder,
                        hint="Give the folder that holds the manuscript's .md file.")
    markdown = find_markdown(folder)
    text = read_limited(markdown)
    check_characters(text, markdown)
    meta = load_metadata(markdown, text)
    bibliography: list[Path] = []
    if meta.bibliography:
        for name in meta.bibliography:
            path = folder / name
            if not inside(folder, path):
                raise UserError(f"the bibliography '{name}' lies outside the manuscript folder.", markdown,
                                hint="Keep the bibliography inside the manuscript folder.")
            if not path.is_file():
                raise UserError(f"the bibliography '{name}' named in the front matter does not exist.",
                                markdown, hint=f"Create {path} or fix the 'bibliography' key.")
            bibliography.append(path)
    else:
        bibliography = [folder / n for n in DEFAULT_BIBLIOGRAPHY if (folder / n).is_file()][:1]
    slug = slug_of(folder)
    return Manuscript(folder=folder, slug=slug, markdown=markdown, bibliography=bibliography,
                      meta=meta, text=text)
