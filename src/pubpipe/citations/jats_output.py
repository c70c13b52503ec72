"""Rich citation text as JATS inline markup.

``<italic>``, ``<bold>``, ``<sc>``, ``<sup>``, ``<sub>``, ``<underline>``;
italics inside italics become ``<roman>`` (CSL flip-flop); quotation marks are
the locale's, nested ones flipped; URLs become ``<ext-link>`` where JATS allows
links (in ``<mixed-citation>``, not inside an ``<xref>``).
"""

from __future__ import annotations

import re

from lxml import etree

from ..jats import XLINK, append_text
from .richtext import DEFAULT_QUOTES, Span

URL_RE = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:)\]]")


def _append_linked_text(parent, text: str, links: bool) -> None:
    if not links or "://" not in text:
        append_text(parent, text)
        return
    pos = 0
    for m in URL_RE.finditer(text):
        append_text(parent, text[pos:m.start()])
        url = m.group(0)
        link = etree.SubElement(parent, "ext-link")
        link.set("ext-link-type", "uri")
        link.set(f"{{{XLINK}}}href", url)
        link.text = url
        pos = m.end()
    append_text(parent, text[pos:])


def append_rich(parent: etree._Element, rich: list, quotes=DEFAULT_QUOTES, links: bool = False) -> None:
    """Append *rich* to *parent* as JATS mixed content."""
    oo, oc, io, ic = quotes

    def go(target, items, outer_q, ital, bold, sc, in_link):
        for item in items:
            if isinstance(item, str):
                append_text(target, item)
                continue
            k, ch = item.kind, item.children
            if k == "q":
                append_text(target, oo if outer_q else io)
                go(target, ch, not outer_q, ital, bold, sc, in_link)
                append_text(target, oc if outer_q else ic)
            elif k == "i":
                el = etree.SubElement(target, "italic" if ital else "roman")
                go(el, ch, outer_q, not ital, bold, sc, in_link)
            elif k == "normal":
                if ital:
                    go(target, ch, outer_q, ital, bold, sc, in_link)
                else:
                    el = etree.SubElement(target, "roman")
                    go(el, ch, outer_q, True, bold, sc, in_link)
            elif k == "b":
                if bold:
                    el = etree.SubElement(target, "bold")
                    go(el, ch, outer_q, ital, False, sc, in_link)
                else:
                    go(target, ch, outer_q, ital, True, sc, in_link)
            elif k == "sc":
                if sc:
                    el = etree.SubElement(target, "sc")
                    go(el, ch, outer_q, ital, bold, False, in_link)
                else:
                    go(target, ch, outer_q, ital, bold, True, in_link)
            elif k in ("sup", "sub"):
                el = etree.SubElement(target, k)
                go(el, ch, outer_q, ital, bold, sc, in_link)
            elif k == "u":
                el = etree.SubElement(target, "underline")
                go(el, ch, outer_q, ital, bold, sc, in_link)
            elif k == "link" and links and not in_link:
                el = etree.SubElement(target, "ext-link")
                el.set("ext-link-type", "uri")
                el.set(f"{{{XLINK}}}href", item.attr or "")
                go(el, ch, outer_q, ital, bold, sc, True)
            elif k == "div" and item.attr == "left-margin":
                go(target, ch, outer_q, ital, bold, sc, in_link)
                append_text(target, " ")
            else:  # nocase, nodecor, baseline, other divs, links where not allowed
                go(target, ch, outer_q, ital, bold, sc, in_link)

    go(parent, rich, True, True, True, True, False)
    _collapse_spaces(parent)
    if links:
        _linkify(parent)


def _linkify(el: etree._Element) -> None:
    """Turn URLs in the text of *el* (not inside links) into <ext-link>s."""
    if el.tag == "ext-link":
        return
    for child in list(el):
        _linkify(child)
    if el.text and "://" in el.text:
        text, el.text = el.text, None
        first = el[0] if len(el) else None
        holder = etree.Element("holder")
        _append_linked_text(holder, text, True)
        el.text = holder.text
        for k, new in enumerate(list(holder)):
            if first is not None:
                first.addprevious(new)
            else:
                el.append(new)
    for child in list(el):
        if child.tail and "://" in child.tail and child.tag != "ext-link-holder":
            text, child.tail = child.tail, None
            holder = etree.Element("holder")
            _append_linked_text(holder, text, True)
            child.tail = holder.text
            anchor = child
            for new in list(holder):
                anchor.addnext(new)
                anchor = new


def _collapse_spaces(el: etree._Element) -> None:
    """No double spaces where pieces met (e.g. a margin label and its entry)."""
    if el.text:
        el.text = re.sub(r"  +", " ", el.text)
    for child in el:
        _collapse_spaces(child)
        if child.tail:
            child.tail = re.sub(r"  +", " ", child.tail)


def split_margin(rich: list) -> tuple[list, list]:
    """Split a second-field-aligned entry into (left-margin label, the rest)."""
    if rich and isinstance(rich[0], Span) and rich[0].kind == "div" and rich[0].attr == "left-margin":
        return rich[0].children, rich[1:]
    return [], rich
