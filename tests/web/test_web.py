"""Web HTML rendition (issue 5): the flagship and the figures fixture, built once per module.

What this proves:
- the page stands alone (inline CSS, no script or stylesheet from elsewhere), has lang, a
  viewport, landmarks (banner, navigation, main, contentinfo), one h1 and no skipped heading
  level, and colours that pass WCAG AA contrast (computed from the stylesheet);
- notes and references are linked both ways; figures and tables are captioned and copied
  beside the page; math stays MathML with alttext; CJK runs carry lang;
- the links to the sibling PDF, EPUB and JATS, the Highwire ``citation_*`` tags and the
  schema.org ScholarlyArticle JSON-LD hold the values of the JATS front;
- every paragraph, note (46 in the flagship) and reference of the JATS is on the page;
- two builds give identical bytes;
- in headless Chromium the flagship renders: a non-blank screenshot with the stylesheet
  applied, a content height of thousands of pixels, no console message, no broken image,
  no horizontal overflow at 360 px wide.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from lxml import html

from pubpipe.errors import UserError
from pubpipe.jats import parse_jats
from pubpipe.render_web import make_html
from rendition_checks import FLAGSHIP_NOTES, MANUSCRIPTS, build_jats, by_id, check_content

CSS = Path(__file__).resolve().parents[2] / "src" / "pubpipe" / "assets" / "web.css"


class Page:
    def __init__(self, path: Path, jats: Path):
        self.path = path
        self.jats = jats
        self.bytes = path.read_bytes()
        self.doc = html.document_fromstring(self.bytes.decode("utf-8"))
        self.article = self.doc.find(".//main/article")

    def metas(self, name: str) -> list[str]:
        return [m.get("content") for m in self.doc.iterfind(".//head/meta") if m.get("name") == name]

    def json_ld(self) -> dict:
        scripts = self.doc.xpath("//script[@type='application/ld+json']")
        assert len(scripts) == 1
        return json.loads(scripts[0].text)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, tuple[Page, Path]]:
    tmp = tmp_path_factory.mktemp("web")
    out = {}
    for slug, folder in MANUSCRIPTS.items():
        jats = build_jats(tmp, slug)
        first = make_html(jats, tmp / slug / f"{slug}.html", folder, paper="letter")  # unknown option: ignored
        second = make_html(jats, tmp / "again" / f"{slug}.html", folder)
        out[slug] = (Page(first, jats), second)
    return out


def test_rebuild_is_byte_identical(pages):
    for slug, (page, second) in pages.items():
        assert page.bytes == second.read_bytes(), f"{slug}: two builds differ"


def test_standalone_page(pages):
    for slug, (page, _) in pages.items():
        assert page.bytes.startswith(b"<!DOCTYPE html>")
        root = page.doc
        assert root.get("lang") == parse_jats(page.jats).getroot().get("{http://www.w3.org/XML/1998/namespace}lang")
        assert root.xpath("//head/meta[@charset='utf-8']")
        assert root.xpath("//head/meta[@name='viewport'][contains(@content, 'width=device-width')]")
        assert root.findtext(".//head/title").startswith(parse_jats(page.jats).getroot().findtext(
            "front/article-meta/title-group/article-title").split()[0])
        assert not root.xpath("//link[@rel='stylesheet']"), "the CSS is inline"
        assert not root.xpath("//script[@src]") and not root.xpath("//script[not(@type='application/ld+json')]")
        assert "--banner-bg" in root.findtext(".//head/style")
        for img in root.iter("img"):
            assert not re.match(r"^[a-z]+:", img.get("src")), "images are local files beside the page"


def test_landmarks_and_heading_order(pages):
    for slug, (page, _) in pages.items():
        body = page.doc.find("body")
        assert body[0].tag == "a" and body[0].get("href") == "#main", "skip link first"
        assert [c.tag for c in body[1:]] == ["header", "main", "footer"]
        assert body.find("main").get("id") == "main"
        navs = page.doc.xpath("//nav")
        assert all(n.get("aria-label") or n.get("aria-labelledby") for n in navs)
        headings = [int(h.tag[1]) for h in page.doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert headings.count(1) == 1 and headings[0] == 1
        for before, after in zip(headings, headings[1:]):
            assert after <= before + 1, f"{slug}: heading level skips from h{before} to h{after}"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colour_contrast_meets_wcag_aa():
    css = CSS.read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark)")[:2]
    for scheme in (light, dark[: dark.index("}\n}") + 1]):
        colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", scheme))
        base = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", light))
        c = {**base, **colours}
        assert contrast(c["text"], c["bg"]) >= 7, "body text: AAA"
        for fg, bg in (("muted", "bg"), ("muted", "panel"), ("link", "bg"), ("link", "panel"),
                       ("link-visited", "bg"), ("banner-text", "banner-bg"), ("text", "panel")):
            assert contrast(c[fg], c[bg]) >= 4.5, f"{fg} on {bg}: {contrast(c[fg], c[bg]):.2f}:1"
    assert re.search(r"\ba \{[^}]*text-decoration: underline", css), "links are underlined, not colour-only"


def test_notes_linked_both_ways(pages):
    for slug, (page, _) in pages.items():
        ids = by_id(page.article)
        fns = [fn.get("id") for fn in parse_jats(page.jats).getroot().iter("fn")]
        notes = page.article.xpath(".//section[@id='notes']/ol/li")
        assert [li.get("id") for li in notes] == fns
        for fn_id in fns:
            calls = page.article.xpath(f".//a[@class='footnote-ref'][@href='#{fn_id}']")
            assert calls, f"note {fn_id} is never called"
            back = ids[fn_id].xpath(".//a[@role='doc-backlink']")
            assert back and back[0].get("href") == f"#{calls[0].get('id')}" and calls[0].get("id") in ids
        if slug == "chollima":
            assert len(notes) == FLAGSHIP_NOTES


def test_references_linked_both_ways(pages):
    for slug, (page, _) in pages.items():
        ids = by_id(page.article)
        citations = page.article.xpath(".//a[@class='citation']")
        assert citations
        cited = set()
        for a in citations:
            rids = (a.get("data-refs") or a.get("href")[1:]).split()
            for rid in rids:
                assert "ref" in ids[rid].get("class").split(), f"citation {a.get('id')} points at no reference"
                cited.add(rid)
                backs = [b.get("href") for b in ids[rid].xpath(".//a[@class='ref-backlink']")]
                assert f"#{a.get('id')}" in backs, f"reference {rid} does not link back to {a.get('id')}"
        for li in page.article.xpath(".//li[contains(@class, 'ref')]"):
            for b in li.xpath(".//a[@class='ref-backlink']"):
                assert b.get("href")[1:] in ids and b.get("aria-label")
        assert cited == {li.get("id") for li in page.article.xpath(".//section[@id='references']//li")}


def test_sibling_links(pages):
    for slug, (page, _) in pages.items():
        hrefs = {a.get("href") for a in page.doc.xpath("//header//nav//a")}
        assert hrefs == {f"{slug}.pdf", f"{slug}.epub", f"{slug}.xml"}
        alternates = {(link.get("type"), link.get("href")) for link in page.doc.xpath("//link[@rel='alternate']")}
        assert (("application/pdf", f"{slug}.pdf") in alternates
                and ("application/epub+zip", f"{slug}.epub") in alternates)


def test_highwire_tags_for_google_scholar(pages):
    page, _ = pages["figures-article"]
    assert page.metas("citation_title") == [
        "Measuring Things: A Test Article with Figures, Tables and Equations: A fixture for pubpipe"]
    assert page.metas("citation_author") == ["López, Ada María", "沈, 志华", "van der Berg, Jan"]
    # each author's institutions follow that author's citation_author tag
    tags = [(m.get("name"), m.get("content")) for m in page.doc.xpath("//head/meta[@name]")]
    authors = [(i, v) for i, (k, v) in enumerate(tags) if k == "citation_author"]
    second = [v for k, v in tags[authors[1][0] + 1: authors[2][0]] if k == "citation_author_institution"]
    assert second == ["East China Normal University, Shanghai, China"]
    assert page.metas("citation_author_institution")[0] == (
        "Department of History, University of Example, Oxford, United Kingdom")
    assert page.metas("citation_publication_date") == ["2024/05/17"]
    assert page.metas("citation_journal_title") == ["Journal of Pipeline Studies"]
    assert page.metas("citation_volume") == ["12"] and page.metas("citation_issue") == ["3"]
    assert page.metas("citation_firstpage") == ["101"] and page.metas("citation_lastpage") == ["115"]
    assert page.metas("citation_doi") == ["10.1234/pubpipe.test.1"]
    assert page.metas("citation_pdf_url") == ["figures-article.pdf"]
    assert page.metas("citation_keywords") == ["measurement", "figures", "tables, too"]
    assert page.metas("citation_issn") == ["1234-5679"] and page.metas("citation_publisher") == ["Example Press"]
    refs = page.metas("citation_reference")
    assert refs[0] == ("citation_author=López, Ada María; citation_title=A History of Measurement; "
                       "citation_publication_date=2020; citation_publisher=Example Press; citation_doi=10.1234/hom")
    assert "citation_title=中苏援助与朝鲜战后经济重建" in refs[1] and "citation_journal_title=炎黄春秋" in refs[1]

    flagship, _ = pages["chollima"]
    jats = parse_jats(flagship.jats).getroot()
    assert flagship.metas("citation_title") == [
        "Importing Chinese Revolution: A Comparative Case Study on the North Korean Chollima Movement "
        "and the Chinese Great Leap Forward"]
    assert flagship.metas("citation_author") == ["Yu, Joseph"]
    assert flagship.metas("citation_keywords") == ["Chollima movement", "North Korea", "Great Leap Forward",
                                                   "emulation", "revolution"]
    assert flagship.metas("citation_pdf_url") == ["chollima.pdf"]
    refs = flagship.metas("citation_reference")
    jrefs = jats.findall("back/ref-list/ref")
    assert len(refs) == len(jrefs) >= 30
    for value, ref in zip(refs, jrefs):
        title = ref.findtext(".//article-title") or ref.findtext(".//chapter-title") or ref.findtext(".//source")
        assert f"citation_title={' '.join(title.split())}" in value
        authors = ref.xpath(".//person-group[@person-group-type='author']/*[self::name or self::collab]")
        editors = ref.xpath(".//person-group[@person-group-type='editor']/*[self::name or self::collab]")
        assert value.count("citation_author=") == len(authors) and value.count("citation_editor=") == len(editors)


def test_schema_org_json_ld(pages):
    data, _ = pages["figures-article"]
    ld = data.json_ld()
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "ScholarlyArticle"
    assert ld["headline"] == "Measuring Things: A Test Article with Figures, Tables and Equations"
    assert ld["alternativeHeadline"] == "A fixture for pubpipe"
    assert [a["name"] for a in ld["author"]] == ["Ada María López", "沈志华", "Jan van der Berg"]
    ada = ld["author"][0]
    assert ada["@id"] == "https://orcid.org/0000-0002-1825-0097" and ada["familyName"] == "López"
    assert ada["affiliation"][0]["name"].endswith("University of Example, Oxford, United Kingdom")
    assert ada["affiliation"][0]["@id"] == "https://ror.org/052gg0110"
    assert ld["datePublished"] == "2024-05-17" and ld["inLanguage"] == "en-US"
    assert ld["identifier"]["propertyID"] == "DOI" and ld["identifier"]["value"] == "10.1234/pubpipe.test.1"
    assert ld["keywords"] == ["measurement", "figures", "tables, too"]
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"
    issue = ld["isPartOf"]
    assert issue["@type"] == "PublicationIssue" and issue["issueNumber"] == "3"
    assert issue["isPartOf"]["volumeNumber"] == "12"
    assert issue["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": "Journal of Pipeline Studies",
                                             "issn": "1234-5679",
                                             "publisher": {"@type": "Organization", "name": "Example Press"}}
    assert ld["pageStart"] == "101" and ld["pageEnd"] == "115"
    assert {e["encodingFormat"]: e["contentUrl"] for e in ld["encoding"]} == {
        "application/pdf": "figures-article.pdf", "application/epub+zip": "figures-article.epub",
        "application/xml": "figures-article.xml"}
    assert [c["name"] for c in ld["citation"]] == ["A History of Measurement", "中苏援助与朝鲜战后经济重建"]

    flagship, _ = pages["chollima"]
    ld = flagship.json_ld()
    assert ld["@type"] == "ScholarlyArticle" and ld["author"] == [
        {"@type": "Person", "name": "Joseph Yu", "givenName": "Joseph", "familyName": "Yu"}]
    assert ld["inLanguage"] == "en-GB" and len(ld["keywords"]) == 5
    assert len(ld["citation"]) == len(parse_jats(flagship.jats).getroot().findall("back/ref-list/ref"))
    assert "</" not in flagship.doc.xpath("//script[@type='application/ld+json']")[0].text


def test_figures_tables_math_and_cjk(pages):
    page, _ = pages["figures-article"]
    jats = parse_jats(page.jats).getroot()
    alts = {g.get("{http://www.w3.org/1999/xlink}href"): g.findtext("alt-text") for g in jats.iter("graphic")}
    imgs = page.article.xpath(".//figure/img")
    assert {i.get("src"): i.get("alt") for i in imgs} == alts
    for src in alts:
        copied = page.path.parent / src
        assert copied.read_bytes() == (MANUSCRIPTS["figures-article"] / src).read_bytes()
    for figure in page.article.xpath(".//figure"):
        assert figure.xpath("figcaption//span[@class='label']"), "figures and tables are captioned"
    table = page.article.xpath(".//figure[@class='table']")[0]
    assert table.xpath("figcaption") and table.xpath(".//div[@class='table-scroll'][@tabindex='0']/table")
    maths = page.article.xpath(".//math")
    assert [m.get("alttext") for m in maths] == ["E = m c^2", "a^2 + b^2 = c^2"]
    assert maths[0].get("display") == "block" and maths[0].xpath(".//msup")
    assert any(s.text == "沈志华" for s in page.article.xpath(".//span[@lang='zh']"))
    assert page.article.xpath(".//li[@class='ref'][@lang='zh-CN']/span[@class='ref-backlinks'][@lang='en-US']")


def test_every_paragraph_note_and_reference_reaches_the_page(pages):
    for slug, (page, _) in pages.items():
        counts = check_content(page.jats, page.article, note_tag="li")
        if slug == "chollima":
            assert counts["notes"] == FLAGSHIP_NOTES
            assert counts["references"] >= 30 and counts["paragraphs"] >= 18


def test_missing_figure_is_a_user_error(tmp_path):
    jats = build_jats(tmp_path, "figures-article")
    folder = tmp_path / "copy"
    shutil.copytree(MANUSCRIPTS["figures-article"], folder)
    (folder / "figures" / "curve.svg").unlink()
    with pytest.raises(UserError) as err:
        make_html(jats, tmp_path / "out" / "x.html", folder)
    assert "figures/curve.svg" in str(err.value) and not (tmp_path / "out" / "x.html").exists()


# ---------------------------------------------------------------------------
# A real browser

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
PROBE = """<script>addEventListener("load", () => { const d = document.documentElement;
console.log("PUBPIPE-PROBE " + JSON.stringify({height: d.scrollHeight, width: d.scrollWidth, viewport: innerWidth,
  images: document.images.length,
  broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute("src")),
  math: [...document.querySelectorAll("math")].map(m => Math.round(m.getBoundingClientRect().width)),
  notes: document.querySelectorAll("#notes li").length, background: getComputedStyle(document.body).backgroundColor}));
});</script>"""
CONSOLE = re.compile(r":CONSOLE(?::\d+)?\] \"(.*)\", source: (\S+)")


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium): no browser test")
    return exe


def run_chromium(url: str, *args: str) -> list[tuple[str, str]]:
    """Run headless Chromium on *url*; return the page's console messages (message, source)."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run([chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, url],
                              capture_output=True, timeout=120)
    log = proc.stderr.decode(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    return CONSOLE.findall(log)


def probe(page: Path, width: int) -> dict:
    """Load a copy of *page* with a measuring script, in a frame *width* px wide; return its numbers."""
    copy = page.with_name(f"{page.stem}.probe.html")
    copy.write_text(page.read_text(encoding="utf-8").replace(' loading="lazy"', "")
                    .replace("</body>", PROBE + "</body>"), encoding="utf-8")
    frame = page.with_name(f"{page.stem}.frame.html")
    frame.write_text(f'<!DOCTYPE html><html lang="en"><head><title>probe</title></head><body style="margin:0">'
                     f'<iframe title="page" src="{copy.name}" style="width:{width}px;height:800px;border:0">'
                     f"</iframe></body></html>", encoding="utf-8")
    messages = run_chromium(frame.as_uri(), "--window-size=1400,900", "--dump-dom",
                            "--allow-file-access-from-files", "--virtual-time-budget=10000")
    found = [json.loads(m.split(" ", 1)[1]) for m, _ in messages if m.startswith("PUBPIPE-PROBE ")]
    others = [m for m, _ in messages if not m.startswith("PUBPIPE-PROBE ")]
    assert not others, f"console messages: {others}"
    assert len(found) == 1, messages
    return found[0]


def test_flagship_renders_in_chromium(pages, tmp_path):
    from PIL import Image, ImageChops

    page, _ = pages["chollima"]
    shot = tmp_path / "chollima.png"
    messages = run_chromium(page.path.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000")
    assert messages == [], f"the page logged to the console: {messages}"
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 2000)
    background = (255, 254, 251)  # --bg: the stylesheet applied
    assert image.getpixel((640, 1900)) == background
    assert image.getpixel((10, 10)) == (0x1F, 0x2D, 0x3D), "the banner (and so the CSS) rendered"
    diff = ImageChops.difference(image, Image.new("RGB", image.size, background)).convert("L")
    inked, total = sum(diff.histogram()[20:]), image.size[0] * image.size[1]
    assert inked > 0.04 * total, f"only {inked} of {total} pixels are not background: blank page?"
    assert len(image.getcolors(maxcolors=1 << 20)) > 50, "anti-aliased text gives many colours"

    desktop = probe(page.path, 1280)
    assert desktop["height"] > 8000, f"content height {desktop['height']} px: the article did not render"
    assert desktop["width"] <= desktop["viewport"]
    assert desktop["notes"] == FLAGSHIP_NOTES and desktop["broken"] == []
    phone = probe(page.path, 360)
    assert phone["viewport"] == 360 and phone["width"] <= 360, f"horizontal overflow on a phone: {phone}"
    assert phone["height"] > desktop["height"]


def test_figures_page_in_chromium(pages):
    page, _ = pages["figures-article"]
    found = probe(page.path, 1024)
    assert found["images"] == 2 and found["broken"] == [], "every image loads"
    assert len(found["math"]) == 2 and all(w > 20 for w in found["math"]), "MathML renders with width"
    assert found["width"] <= found["viewport"]


def axe_script() -> str:
    """axe-core as DAISY Ace ships it (scripts/setup.sh installs Ace in vendor/ace), or PUBPIPE_AXE."""
    import os

    root = Path(__file__).resolve().parents[2]
    for candidate in (os.environ.get("PUBPIPE_AXE", ""),
                      root / "vendor/ace/node_modules/@daisy/axe-core-for-ace/axe.min.js",
                      root / "vendor/ace/node_modules/axe-core/axe.min.js"):
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text(encoding="utf-8")
    pytest.skip("axe-core is not installed (it comes with DAISY Ace: scripts/setup.sh, vendor/ace)")


AXE_RUN = """<script>addEventListener("load", async () => {
  const r = await axe.run(document, {runOnly: {type: "tag",
    values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}});
  console.log("PUBPIPE-AXE " + JSON.stringify({passes: r.passes.length,
    violations: r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                        first: v.nodes[0].html.slice(0, 200)}))}));
});</script>"""


@pytest.mark.parametrize("slug,scheme", [("chollima", "light"), ("chollima", "dark"), ("figures-article", "light")])
def test_axe_finds_no_wcag_violation(pages, slug, scheme):
    """axe-core in Chromium, WCAG 2.x A/AA + best practices, light and dark colour schemes (real contrast)."""
    page, _ = pages[slug]
    axe = axe_script()
    copy = page.path.with_name(f"{page.path.stem}.axe.html")
    copy.write_text(page.path.read_text(encoding="utf-8").replace(
        "</body>", f"<script>{axe}</script>{AXE_RUN}</body>"), encoding="utf-8")
    flags = ["--force-dark-mode"] if scheme == "dark" else []
    messages = run_chromium(copy.as_uri(), "--window-size=1280,900", "--dump-dom", "--virtual-time-budget=30000",
                            *flags)
    found = [json.loads(m.split(" ", 1)[1]) for m, _ in messages if m.startswith("PUBPIPE-AXE ")]
    assert len(found) == 1, messages
    assert found[0]["passes"] > 20
    assert found[0]["violations"] == [], f"{slug} ({scheme}): axe-core reports {found[0]['violations']}"
