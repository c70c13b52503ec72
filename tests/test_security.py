"""A hostile manuscript reads nothing outside its folder, connects nowhere, runs nothing.

Each case is a manuscript that tries one way out. Every output pubpipe makes for it (JATS
and every rendition registered in tasks.RENDITIONS) is searched for the content of a canary
file that lies outside the manuscript folder, and a listener on a loopback port counts
connections. The build may refuse the manuscript (a UserError) or drop the content; it may
not leak it.
"""

from __future__ import annotations

import importlib
import socket
import threading
import zipfile
from pathlib import Path

import pytest

from pubpipe.errors import UserError
from pubpipe.pipeline import make_jats
from pubpipe.tasks import RENDITIONS

CANARY = "CANARY-7f3a9c-outside-the-folder"
CANARY_CSL = (f'<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">'
              f'<info><title>{CANARY}</title><id>x</id><updated>2020-01-01T00:00:00+00:00</updated></info>'
              f'<citation><layout><text value="{CANARY}"/></layout></citation>'
              f'<bibliography><layout><text value="{CANARY}"/></layout></bibliography></style>')


@pytest.fixture(scope="module")
def listener():
    """A TCP listener on 127.0.0.1 that records every connection."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    seen: list[str] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except OSError:
                continue
            seen.append(f"{addr}")
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join(timeout=2)
    server.close()


def hostile_cases(port: int, canary: Path) -> dict[str, tuple[str, dict]]:
    url = f"http://127.0.0.1:{port}"
    svg_entity = (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY leak SYSTEM "file://{canary}">]>'
                  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&leak;</text></svg>')
    svg_image = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                 f'width="10" height="10"><image xlink:href="file://{canary}" width="5" height="5"/>'
                 f'<image href="{url}/x.png" width="5" height="5"/></svg>')
    svg_bomb = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>')
    svg_script = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="fetch(\'' + url + '\')">'
                  f'<script>fetch("{url}")</script><style>@import url({url}/a.css);</style></svg>')
    head = "---\ntitle: Hostile\n"
    return {
        "file-url-image": (f"{head}---\n\n![x](file://{canary}){{#fig-a fig-alt=\"x\"}}\n", {}),
        "traversal-image": (f"{head}---\n\n![x](../canary.txt)\n", {}),
        "absolute-image": (f"{head}---\n\n![x]({canary})\n", {}),
        "loopback-image": (f"{head}---\n\n![x]({url}/a.png)\n", {}),
        "raw-html": (f"{head}---\n\nText <img src=\"file://{canary}\"> <iframe src=\"{url}\"></iframe>\n\n"
                     f"<script>fetch('{url}')</script>\n\n<object data=\"file://{canary}\"></object>\n\n"
                     f"<link rel=\"stylesheet\" href=\"{url}/s.css\">\n\n"
                     f"<style>@import url({url}/a.css); body {{ background: url(file://{canary}); }}</style>\n", {}),
        "javascript-link": (f"{head}---\n\n[click](javascript:fetch('{url}')) and [file](file://{canary}).\n", {}),
        "header-includes": (f"{head}header-includes: |\n  <script src=\"{url}/x.js\"></script>\n"
                            f"  <link rel=\"stylesheet\" href=\"file://{canary}\">\n---\n\nBody.\n", {}),
        "raw-jats": (f"{head}---\n\n```{{=jats}}\n<graphic xlink:href=\"file://{canary}\"/>\n```\n", {}),
        "svg-external-entity": (f"{head}---\n\n![x](figures/e.svg){{#fig-a fig-alt=\"x\"}}\n",
                                {"figures/e.svg": svg_entity}),
        "svg-external-image": (f"{head}---\n\n![x](figures/i.svg){{#fig-a fig-alt=\"x\"}}\n",
                               {"figures/i.svg": svg_image}),
        "svg-entity-bomb": (f"{head}---\n\n![x](figures/b.svg){{#fig-a fig-alt=\"x\"}}\n",
                            {"figures/b.svg": svg_bomb}),
        "svg-script": (f"{head}---\n\n![x](figures/s.svg){{#fig-a fig-alt=\"x\"}}\n", {"figures/s.svg": svg_script}),
        "bibliography-outside": (f"{head}bibliography: ../canary.json\n---\n\nBody [@a].\n", {}),
        "bibliography-absolute": (f"{head}bibliography: {canary.parent / 'canary.json'}\n---\n\nBody [@a].\n", {}),
        "pandoc-include-syntax": (f"{head}---\n\n![](file://{canary})\n\n<!-- include {canary} -->\n", {}),
        "csl-outside": (f"{head}csl: ../canary.csl\n---\n\nBody.\n", {}),
        "csl-absolute": (f"{head}csl: {canary.parent / 'canary.csl'}\n---\n\nBody.\n", {}),
    }


MUST_REFUSE = {"csl-outside", "csl-absolute", "bibliography-outside", "bibliography-absolute", "traversal-image",
               "absolute-image", "file-url-image", "loopback-image", "svg-external-entity", "svg-external-image",
               "svg-entity-bomb", "svg-script"}


def output_texts(folder: Path) -> list[bytes]:
    """Every output's bytes, with EPUB members and PDF streams opened up."""
    blobs = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        blobs.append(data)
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as z:
                blobs.extend(z.read(name) for name in z.namelist())
        if path.suffix == ".pdf":
            import pikepdf

            with pikepdf.open(path) as pdf:
                for obj in pdf.objects:
                    if isinstance(obj, pikepdf.Stream):
                        try:
                            blobs.append(obj.read_bytes())
                        except pikepdf.PdfError:
                            pass
    return blobs


@pytest.mark.parametrize("case", [
    "file-url-image", "traversal-image", "absolute-image", "loopback-image", "raw-html", "javascript-link",
    "header-includes", "raw-jats", "svg-external-entity", "svg-external-image", "svg-entity-bomb",
    "svg-script", "bibliography-outside", "bibliography-absolute", "pandoc-include-syntax", "csl-outside",
    "csl-absolute",
])
def test_hostile_manuscript_is_contained(case, tmp_path, listener):
    port, seen = listener
    canary = tmp_path / "canary.txt"
    canary.write_text(CANARY)
    (tmp_path / "canary.json").write_text(f'[{{"id": "a", "type": "book", "title": "{CANARY}"}}]')
    (tmp_path / "canary.png").write_bytes(b"\x89PNG\r\n\x1a\n" + CANARY.encode())
    md, files = hostile_cases(port, canary)[case]
    folder = tmp_path / "ms"
    (folder / "figures").mkdir(parents=True)
    (folder / "ms.md").write_text(md, encoding="utf-8")
    for rel, content in files.items():
        (folder / rel).write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    (tmp_path / "canary.csl").write_text(CANARY_CSL, encoding="utf-8")
    before = len(seen)
    refused = False
    try:
        jats = make_jats(folder, out / "ms.xml")
        for _name, ext, spec, _doc in RENDITIONS:
            module, function = spec.split(":")
            getattr(importlib.import_module(module), function)(jats, out / f"ms.{ext}", folder)
    except UserError as err:
        assert str(err)  # refused with a message: fine
        refused = True
    if case in MUST_REFUSE:
        assert refused, f"{case}: pubpipe should refuse this manuscript"
    # Neither the canary's content nor any pointer outside the folder survives into an output.
    forbidden = [CANARY.encode(), str(canary).encode(), f"127.0.0.1:{port}".encode(), b"javascript:"]
    for blob in output_texts(out) if out.exists() else []:
        for needle in forbidden:
            assert needle not in blob, f"{case}: {needle!r} reached an output"
    assert len(seen) == before, f"{case}: a connection reached the loopback listener"


def test_weasyprint_url_fetcher_is_confined_to_the_manuscript_folder(tmp_path, listener):
    """Defence in depth: even a reference that got past the JATS stage cannot reach out of the PDF build."""
    from pubpipe.render_pdf import _url_fetcher

    port, seen = listener
    folder = tmp_path / "ms"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "ok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    canary = tmp_path / "canary.txt"
    canary.write_text(CANARY)
    fetch = _url_fetcher(folder)
    assert fetch((folder / "figures" / "ok.svg").resolve().as_uri())
    before = len(seen)
    for url in (canary.as_uri(), f"http://127.0.0.1:{port}/x.png", (folder / ".." / "canary.txt").as_uri()):
        with pytest.raises(ValueError):
            fetch(url)
    assert len(seen) == before
