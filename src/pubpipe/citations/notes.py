"""Where citations sit in the document, and notes for note styles.

Citations are processed in reading order: body text in order, and the
citations inside an author's footnote at the place of that note's call. For a
note style (Chicago notes, OSCOLA …) each citation in the body becomes a
footnote of its own, and the author's notes and the new ones are numbered
together in the order of their calls, so positions (first, subsequent, ibid,
near-note) are computed over the whole document in note order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

PUNCT_AFTER = re.compile(r"^([.,;:!?]+[\u201d\u2019\"']?)")


@dataclass
class Placement:
    cluster_id: str
    xref: etree._Element
    in_note: str | None              # id of the author's <fn> it sits in, if any
    note_number: int | None = None   # note the citation ends up in (note styles)


@dataclass
class NotePlan:
    placements: list[Placement] = field(default_factory=list)
    fn_numbers: dict[str, int] = field(default_factory=dict)   # author fn id -> new number
    new_notes: dict[str, int] = field(default_factory=dict)    # cluster id -> number of its new note


def _fn_group_notes(root) -> dict[str, etree._Element]:
    back = root.find("back")
    notes = {}
    if back is not None:
        for fn in back.iter("fn"):
            if fn.get("id"):
                notes[fn.get("id")] = fn
    return notes


def plan(root: etree._Element, note_style: bool) -> NotePlan:
    """Reading order of citations; for note styles, the numbering of all notes."""
    notes = _fn_group_notes(root)
    out = NotePlan()
    counter = [0]
    visited: set[str] = set()

    def visit(el, in_note):
        for node in el.iter():
            if node is el and in_note is None:
                pass
            if node.tag != "xref":
                continue
            rtype = node.get("ref-type")
            if rtype == "bibr" and (node.get("id") or "").startswith("cite-"):
                if _inside_fn(node):
                    # seen via its note's call; or an uncalled note (handled at the end)
                    if in_note is None:
                        continue
                p = Placement(node.get("id"), node, in_note)
                if note_style:
                    if in_note is None:
                        counter[0] += 1
                        p.note_number = counter[0]
                        out.new_notes[p.cluster_id] = counter[0]
                    else:
                        p.note_number = out.fn_numbers.get(in_note)
                out.placements.append(p)
            elif rtype == "fn":
                rid = node.get("rid")
                if rid in notes and rid not in visited:
                    visited.add(rid)
                    counter[0] += 1
                    out.fn_numbers[rid] = counter[0]
                    visit_note(notes[rid], rid)

    def visit_note(fn, rid):
        for node in fn.iter("xref"):
            if node.get("ref-type") == "bibr" and (node.get("id") or "").startswith("cite-"):
                p = Placement(node.get("id"), node, rid)
                if note_style:
                    p.note_number = out.fn_numbers.get(rid)
                out.placements.append(p)

    for part in (root.find("front"), root.find("body")):
        if part is not None:
            visit(part, None)
    back = root.find("back")
    if back is not None:
        for child in back:
            if child.tag != "fn-group" and child.tag != "ref-list":
                visit(child, None)
    for rid, fn in notes.items():  # notes nobody calls: after everything else
        if rid not in visited:
            visited.add(rid)
            counter[0] += 1
            out.fn_numbers[rid] = counter[0]
            visit_note(fn, rid)
    return out


def _inside_fn(node) -> bool:
    p = node.getparent()
    while p is not None:
        if p.tag == "fn":
            return True
        p = p.getparent()
    return False


def _prev_text_holder(node):
    """(element, attribute) holding the text just before *node*."""
    prev = node.getprevious()
    if prev is not None:
        return prev, "tail"
    return node.getparent(), "text"


def replace_with_call(xref: etree._Element, call: etree._Element, punctuation_in_quote: bool = False) -> None:
    """Put the note call *call* where *xref* is, after any punctuation that follows it.

    "text [@a]." → "text.¹"; with punctuation-in-quote (US English) '“text” [@a].' → '“text.”¹'.
    """
    holder, attr = _prev_text_holder(xref)
    before = (getattr(holder, attr) or "").rstrip(" ")
    tail = xref.tail or ""
    m = PUNCT_AFTER.match(tail)
    moved = ""
    if m:
        moved = m.group(1)
        tail = tail[len(moved):]
    if moved and punctuation_in_quote and before[-1:] in ("\u201d", "\u2019") and moved[0] in ".,":
        before = before[:-1] + moved[0] + before[-1] + moved[1:]
    else:
        before = before + moved
    setattr(holder, attr, before)
    call.tail = tail
    parent = xref.getparent()
    parent.replace(xref, call)


def renumber_notes(root: etree._Element, plan_: NotePlan, new_fns: dict[str, etree._Element]) -> None:
    """Give every note (the author's and the new ones) its id fnN and label N, in call order."""
    back = root.find("back")
    group = back.find("fn-group") if back is not None else None
    if group is None and new_fns:
        if back is None:
            back = etree.SubElement(root, "back")
        group = etree.Element("fn-group")
        ref_list = back.find("ref-list")
        if ref_list is not None:
            ref_list.addprevious(group)
        else:
            back.insert(0, group)
    notes = _fn_group_notes(root)
    final: dict[str, int] = dict(plan_.fn_numbers)
    # temporary ids first, so no two elements share an id while renaming
    old_to_tmp = {}
    for rid, fn in notes.items():
        if rid in final:
            tmp = f"pubpipe-tmp-{rid}"
            fn.set("id", tmp)
            old_to_tmp[rid] = tmp
    for x in root.iter("xref"):
        if x.get("ref-type") == "fn" and x.get("rid") in old_to_tmp:
            x.set("rid", old_to_tmp[x.get("rid")])
    numbered: list[tuple[int, etree._Element]] = []
    for rid, tmp in old_to_tmp.items():
        numbered.append((final[rid], notes[rid]))
    for cid, fn in new_fns.items():
        numbered.append((plan_.new_notes[cid], fn))
    tmp_to_new = {}
    for number, fn in numbered:
        tmp_to_new[fn.get("id")] = f"fn{number}"
    for number, fn in numbered:
        fn.set("id", f"fn{number}")
        label = fn.find("label")
        if label is None:
            label = etree.Element("label")
            fn.insert(0, label)
        label.text = str(number)
    for x in root.iter("xref"):
        if x.get("ref-type") == "fn" and x.get("rid") in tmp_to_new:
            new = tmp_to_new[x.get("rid")]
            x.set("rid", new)
            if (x.text or "").strip().isdigit() and not len(x):
                x.text = new[2:]
    if group is not None:
        ordered = sorted(((n, fn) for n, fn in numbered if fn.getparent() is group or fn.getparent() is None),
                         key=lambda t: t[0])
        renumbered = {fn for _, fn in numbered}  # once, not once per child (quadratic in the notes)
        others = [c for c in group if c not in renumbered]
        for c in list(group):
            group.remove(c)
        for c in others:
            group.append(c)
        for _, fn in ordered:
            group.append(fn)
