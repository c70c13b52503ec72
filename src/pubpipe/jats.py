"""JATS 1.3 vocabulary shared by the stages: namespaces, DOCTYPE, safe parsing.

pubpipe writes JATS 1.3 **Archiving and Interchange** (Green) with MathML 3.
The Publishing (Blue) tag set requires a journal-id and an ISSN in every
article, so it cannot describe a preprint, a standalone essay or a journal
that has no ISSN yet; Archiving accepts all of them, is what PMC and the
Library of Congress archive, and differs from Publishing only in being more
permissive. The strictness journals want comes from pubpipe's own checks
(``validate.rule_problems``: the JATS4R / PMC rules) on top of the DTD.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .errors import UserError

XLINK = "http://www.w3.org/1999/xlink"
MML = "http://www.w3.org/1998/Math/MathML"
ALI = "http://www.niso.org/schemas/ali/1.0/"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"mml": MML, "xlink": XLINK, "ali": ALI}

PUBLIC_ID = "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD with MathML3 v1.3 20210610//EN"
SYSTEM_ID = "https://jats.nlm.nih.gov/archiving/1.3/JATS-archivearticle1-3-mathml3.dtd"
DOCTYPE = f'<!DOCTYPE article PUBLIC "{PUBLIC_ID}" "{SYSTEM_ID}">'
DTD_FILE = "JATS-archivearticle1-3-mathml3.dtd"


def xlink(name: str) -> str:
    return f"{{{XLINK}}}{name}"


def xml_lang() -> str:
    return f"{{{XML_NS}}}lang"


def safe_parser() -> etree.XMLParser:
    """A parser that loads no DTD, expands no entity and touches no network."""
    return etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False,
                           huge_tree=False, remove_blank_text=False)


def parse_jats(data: bytes | str | Path, source: Path | None = None) -> etree._ElementTree:
    try:
        if isinstance(data, Path):
            return etree.parse(str(data), safe_parser())
        if isinstance(data, str):
            data = data.encode("utf-8")
        return etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        raise UserError(f"the JATS XML is not well-formed: {exc.msg}.", source or exc.filename,
                        exc.lineno) from None


def serialize(tree: etree._ElementTree | etree._Element) -> bytes:
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=DOCTYPE) + b"\n"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    """Append a child element with optional text and attributes (``xlink_href`` → xlink:href)."""
    el = etree.SubElement(parent, _qname(tag))
    for key, value in attrs.items():
        if value is None or value == "":
            continue
        if key.startswith("xlink_"):
            key = xlink(key[6:].replace("_", "-"))
        elif key == "xml_lang":
            key = xml_lang()
        else:
            key = key.replace("_", "-")
        el.set(key, value)
    if text:
        el.text = text
    return el


def _qname(tag: str) -> str:
    if ":" in tag:
        prefix, local = tag.split(":", 1)
        return f"{{{NSMAP[prefix]}}}{local}"
    return tag


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def append_text(parent: etree._Element, text: str | None) -> None:
    """Append *text* after *parent*'s last child (or as its text): mixed content, built in order."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
