"""Running pandoc: the binary that pypandoc-binary ships, sandboxed.

Every call passes ``--sandbox`` (pandoc then reads no file and opens no
connection beyond its inputs) and feeds the input on stdin, so a manuscript
cannot make pandoc include ``/etc/passwd`` or fetch a URL.
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

from .errors import UserError


@functools.cache
def pandoc_path() -> str:
    """The pandoc that pypandoc-binary ships (or ``PYPANDOC_PANDOC``, as pypandoc honours it).

    Found without importing pypandoc: ``pypandoc.get_pandoc_path()`` imports urllib and runs
    ``pandoc --version`` for every candidate on the PATH (0.1-0.15 s per build), and may prefer
    a newer system pandoc, so the JATS would depend on what else is installed. It remains the
    fallback when the bundled binary is not there.
    """
    import importlib.util
    import os

    override = os.environ.get("PYPANDOC_PANDOC")
    if override:
        return override
    spec = importlib.util.find_spec("pypandoc")
    if spec is not None and spec.origin:
        bundled = Path(spec.origin).resolve().parent / "files" / "pandoc"
        if bundled.is_file() and os.access(bundled, os.X_OK):
            return str(bundled)
    import pypandoc

    return pypandoc.get_pandoc_path()


def run_pandoc(data: str, *args: str, source: Path | None = None) -> str:
    """Run pandoc on *data* (stdin) with *args* and return its stdout."""
    cmd = [pandoc_path(), "--sandbox", *args]
    proc = subprocess.run(cmd, input=data.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise UserError(f"pandoc could not read it: {message}", source,
                        hint="Check the Markdown near the place pandoc names.")
    return proc.stdout.decode("utf-8")


def markdown_to_ast(markdown: str, source: Path) -> dict:
    """Parse Pandoc Markdown (with YAML front matter) into pandoc's JSON AST."""
    return json.loads(run_pandoc(markdown, "--from=markdown", "--to=json", source=source))


def ast_to_jats(ast: dict, source: Path) -> str:
    """Write a pandoc JSON AST as a standalone JATS (Archiving) document."""
    return run_pandoc(json.dumps(ast), "--from=json", "--to=jats_archiving", "--standalone",
                      "--wrap=none", source=source)


def bibliography_to_csl_json(path: Path) -> list:
    """Convert a bibliography pandoc reads (.bib, .yaml, .ris …) into CSL-JSON."""
    formats = {".bib": "biblatex", ".bibtex": "bibtex", ".yaml": "markdown", ".yml": "markdown",
               ".ris": "ris", ".json": "csljson"}
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise UserError(f"pubpipe cannot read bibliographies of type '{path.suffix}'.", path,
                        hint="Use CSL-JSON (.json), BibLaTeX (.bib), CSL-YAML (.yaml) or RIS (.ris).")
    text = path.read_text(encoding="utf-8")
    if fmt == "markdown" and not text.lstrip().startswith("---"):
        text = f"---\n{text}\n...\n"
    return json.loads(run_pandoc(text, f"--from={fmt}", "--to=csljson", source=path))
