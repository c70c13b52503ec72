"""Cite positions: first, subsequent, ibid, ibid-with-locator, near-note.

Repairs: **ibid locator equality** -- citeproc-py compares ``Locator``
objects by identity, so two cites of "p. 224" never count as the same place
and Chicago prints "Ibid., 224." where "Ibid." is due; it also decides ibid
from the last cite in *its own* list, not from the preceding note. Positions
are computed here once, over the whole document in note order: a cite is
ibid when the immediately preceding cite (earlier in the same citation, or
alone in the previous note) is of the same work, with locator *and label*
compared by value; near-note uses note numbers.
"""

from __future__ import annotations


def compute_positions(citations, is_note_style: bool, near_note_distance: int = 5):
    """Positions for every cite: a list (per citation) of lists (per item) of position names.

    *citations* are engine citation requests (items with ``id``, ``locator``, ``label``,
    ``mode``) in document order, with ``note_number`` when they sit in notes.
    Returns (positions, first_note) where first_note maps a work to the note number
    of its first citation.
    """
    last: dict[str, tuple] = {}
    first_note: dict[str, int] = {}
    out = []
    for group_num, citation in enumerate(citations, start=1):
        items = citation.items
        note_num = citation.note_number if citation.note_number is not None else group_num
        start = 0 if items and items[0].mode == "author-only" else 1
        alone = len(items) == 1 or (len(items) == 2 and items[0].id == items[1].id
                                    and items[0].mode == "author-only" and items[1].mode == "suppress-author")
        pos_list = []
        for pos_in_group, item in enumerate(items, start=start):
            loc = (item.label or "page", item.locator) if item.locator is not None else None
            prev = last.get(item.id)
            if prev is None:
                positions = ("first",)
            else:
                prev_group, prev_note, prev_pos, prev_alone, prev_loc, prev_note_given = prev
                positions = ["subsequent"]
                same_citation_next = group_num == prev_group and pos_in_group == prev_pos + 1
                # the previous citation (no other in between), in the same or the preceding note
                notes_close = (citation.note_number is None or prev_note_given is None
                               or citation.note_number - prev_note_given <= 1)
                next_note = group_num == prev_group + 1 and notes_close and pos_in_group == 1 and prev_alone
                if same_citation_next or next_note:
                    if prev_loc is None and loc is not None:
                        positions += ["ibid", "ibid-with-locator"]
                    elif prev_loc is None and loc is None:
                        positions += ["ibid"]
                    elif prev_loc is not None and loc is not None:
                        positions += ["ibid"] if prev_loc == loc else ["ibid", "ibid-with-locator"]
                if is_note_style and note_num - prev_note < near_note_distance:
                    positions.append("near-note")
                positions = tuple(positions)
            pos_list.append(positions)
            if item.mode != "author-only":
                last[item.id] = (group_num, note_num, pos_in_group, alone, loc, citation.note_number)
                if is_note_style:
                    first_note.setdefault(item.id, note_num)
        out.append(pos_list)
    return out, first_note
