"""Checks shared by tests/epub and tests/web: does everything of the JATS reach a rendition?

Text is compared with all whitespace removed (renditions re-wrap lines) and
without the TeX alternatives of formulas (renditions show the MathML).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from lxml import etree

from pubpipe.jats import parse_jats
from pubpipe.pipeline import make_jats

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "manuscript" / "chollima"
FIGURES_ARTICLE = ROOT / "tests" / "fixtures" / "figures-article"
MANUSCRIPTS = {"chollima": FLAGSHIP, "figures-article": FIGURES_ARTICLE}
FLAGSHIP_NOTES = 46  # the figure: the flagship's 46 notes reach every rendition

_WS = re.compile(r"\s+")


def squash(text: str) -> str:
    return _WS.sub("", text)


def local(tag) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and tag.startswith("{") else tag


def jats_text(el: etree._Element) -> str:
    """An element's text as renditions show it: no TeX alternatives, no whitespace."""
    el = copy.deepcopy(el)
    for tex in list(el.iter("tex-math")):
        parent = tex.getparent()
        if tex.tail:
            prev = tex.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tex.tail
            else:
                parent.text = (parent.text or "") + tex.tail
        parent.remove(tex)
    return squash("".join(el.itertext()))


def doc_text(el: etree._Element) -> str:
    return squash("".join(t for t in el.itertext(tag=etree.Element)))


def build_jats(tmp: Path, slug: str) -> Path:
    out = tmp / slug / f"{slug}.xml"
    make_jats(MANUSCRIPTS[slug], out)
    return out


def by_id(doc: etree._Element) -> dict[str, etree._Element]:
    return {el.get("id"): el for el in doc.iter() if isinstance(el.tag, str) and el.get("id")}


def body_paragraphs(jats: etree._Element) -> list[etree._Element]:
    """The JATS paragraphs of the article text (notes are checked on their own)."""
    out = []
    for p in jats.iter("p"):
        ancestors = {a.tag for a in p.iterancestors()}
        if "fn" in ancestors or "license" in ancestors:
            continue
        out.append(p)
    return out


def check_content(jats_xml: Path, doc: etree._Element, note_tag: str) -> dict[str, int]:
    """Assert every paragraph, note and reference of *jats_xml* reached *doc*; return the counts.

    *note_tag*: the element a note becomes ("aside" in the EPUB, "li" on the web page).
    """
    jats = parse_jats(jats_xml).getroot()
    text = doc_text(doc)
    ids = by_id(doc)
    missing = []
    paragraphs = body_paragraphs(jats)
    for p in paragraphs:
        if p.find(".//disp-formula") is not None:
            # label and formula swap places in the rendition: check the prose around the formula
            bits = [squash(p.text or "")] + [squash(c.tail or "") for c in p]
            if not all(b in text for b in bits):
                missing.append(jats_text(p)[:80])
            continue
        if jats_text(p) not in text:
            missing.append(jats_text(p)[:80])
    assert not missing, f"{len(missing)} of {len(paragraphs)} paragraphs are missing or altered: {missing[:3]}"

    fns = [fn for fn in jats.iter("fn") if fn.get("id")]
    for fn in fns:
        if any(a.tag == "table-wrap-foot" for a in fn.iterancestors()):  # shown under its table
            assert all(jats_text(p) in text for p in fn.findall("p")), f"table note {fn.get('id')} is missing"
            continue
        el = ids.get(fn.get("id"))
        assert el is not None, f"note {fn.get('id')} is missing"
        assert local(el.tag) == note_tag, f"note {fn.get('id')} is a <{local(el.tag)}>, not <{note_tag}>"
        note = doc_text(el)
        for p in fn.findall("p"):
            assert jats_text(p) in note, f"note {fn.get('id')}: text differs: {jats_text(p)[:80]}"

    refs = jats.findall("back/ref-list/ref")
    for ref in refs:
        el = ids.get(ref.get("id"))
        assert el is not None, f"reference {ref.get('id')} is missing"
        assert "ref" in el.get("class", "").split()
        entry = doc_text(el)
        mixed = ref.find(".//mixed-citation")
        if mixed is not None:
            assert jats_text(mixed) in entry, f"reference {ref.get('id')}: formatted text differs"
        else:
            ec = ref.find(".//element-citation")
            for part in ec.iter("article-title", "chapter-title", "source", "surname", "year"):
                assert jats_text(part) in entry, f"reference {ref.get('id')}: lacks {part.tag} {text_of(part)!r}"
    return {"paragraphs": len(paragraphs), "notes": len(fns), "references": len(refs)}


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())
