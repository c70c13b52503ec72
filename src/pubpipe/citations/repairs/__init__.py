"""Repairs to citeproc-py, as subclasses of its CSL element classes.

Each module names the citeproc-py defects it repairs (measured against the
official CSL test suite and against pandoc's citeproc; see docs/citations.md):

==========================  ====================================================
module                      repairs
==========================  ====================================================
:mod:`.names`               initialize="false"; CJK names (沈志华); cs:substitute
                            repeating editors; particles, suffixes, et-al rules
:mod:`.labels`              labels printed for empty variables; plurals
:mod:`.text`                first locator leaking into the bibliography;
                            substituted variables suppressed; short forms
:mod:`.numbers`             page-range-format for pages and locators; ordinals
:mod:`.dates`               date-part delimiters; ranges, seasons, BC/AD
:mod:`.groups`              disambiguate="true"; group suppression; conditions
:mod:`.positions`           ibid locator equality; positions in note order
:mod:`.disambiguation`      year-suffix disambiguation; add names/given names
:mod:`.collapse`            cite collapsing and grouping
:mod:`.layout`              missing space after the citation number (second-field
                            align); note-start capitalisation; author-only cites
:mod:`.sorting`             sort keys (particles, accents, empty keys last)
:mod:`.substitute`          subsequent-author-substitute
``..output``                punctuation-in-quote; nested quote flipping;
                            punctuation merging at affixes and delimiters
==========================  ====================================================

``REPAIRED_CLASSES`` maps CSL element names to our subclasses; the engine
registers them with citeproc-py's element-class lookup when it parses a style.
"""

from __future__ import annotations

from .dates import Date, Date_Part
from .groups import Choose, Else, Else_If, Group, If
from .labels import Label
from .layout import Bibliography, Citation, Key, Layout, Macro, Sort
from .names import Et_Al, Name, Name_Part, Names, Substitute
from .numbers import Number
from .text import Text

REPAIRED_CLASSES = {
    "text": Text, "number": Number, "label": Label, "group": Group, "choose": Choose, "if": If,
    "else-if": Else_If, "else": Else, "date": Date, "date-part": Date_Part, "names": Names, "name": Name,
    "et-al": Et_Al, "name-part": Name_Part, "substitute": Substitute, "macro": Macro, "layout": Layout,
    "sort": Sort, "key": Key, "citation": Citation, "bibliography": Bibliography,
}
