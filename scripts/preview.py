#!/usr/bin/env python3
"""Preview PNGs of a built PDF's first pages, for people who want to look without a PDF viewer.

    .venv/bin/python scripts/preview.py chollima            # output/chollima/chollima.pdf
    .venv/bin/python scripts/preview.py chollima --pages 4 --dpi 110
    .venv/bin/python scripts/preview.py path/to/any.pdf     # PNGs beside it, in preview/

Writes ``output/<slug>/preview/page-1.png`` … (old previews there are replaced).
Build the PDF first (``doit`` or ``pubpipe build``). Needs pdftoppm (Debian poppler-utils).
Nothing here is committed: output/ is ignored by git.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", help="a manuscript slug (output/<slug>/<slug>.pdf) or a PDF file")
    parser.add_argument("--pages", type=int, default=3, help="how many first pages (default 3)")
    parser.add_argument("--dpi", type=int, default=80, help="resolution (default 80)")
    parser.add_argument("--output-root", default="output", help="where builds are (default output/)")
    args = parser.parse_args(argv)

    target = Path(args.target)
    pdf = target if target.suffix.lower() == ".pdf" else Path(args.output_root) / target.name / f"{target.name}.pdf"
    if not pdf.is_file():
        print(f"preview: {pdf} does not exist; build it first (doit, or pubpipe build manuscript/{target.name}).",
              file=sys.stderr)
        return 1
    if shutil.which("pdftoppm") is None:
        print("preview: pdftoppm is missing; install Debian's poppler-utils.", file=sys.stderr)
        return 1
    preview = pdf.parent / "preview"
    preview.mkdir(exist_ok=True)
    for old in preview.glob("page-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(dir=preview) as tmp:
        subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", str(args.pages),
                        str(pdf), f"{tmp}/page"], check=True)
        written = []
        for png in sorted(Path(tmp).glob("page-*.png")):
            number = int(png.stem.rsplit("-", 1)[1])  # pdftoppm pads: page-01.png
            dest = preview / f"page-{number}.png"
            png.replace(dest)
            written.append(dest)
    for path in sorted(written, key=lambda p: int(p.stem.split("-")[1])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
