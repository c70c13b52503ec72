"""Formatted inline text: the value the citation engine computes with.

citeproc-py passes plain strings around and bakes markup into them as it goes,
which is why it cannot flip nested italics or quotes, move punctuation inside
quotation marks or capitalise a note that starts with markup. We keep the
structure instead: a *rich* value is a list whose items are ``str`` (text) or
:class:`Span` (a formatting node with children). The same value is rendered at
the very end as JATS inline markup (:mod:`.jats_output`), as the CSL test
suite's HTML, or as plain text.

Span kinds: ``i`` italic, ``normal`` (font-style normal), ``b`` bold, ``u``
underline, ``nodecor`` (text-decoration none), ``sc`` small caps, ``sup``,
``sub``, ``baseline``, ``nocase`` (protected from case changes), ``q``
(quoted: the quotation marks are chosen at render time, outer or inner),
``div`` (display block; attr = csl class) and ``link`` (attr = URL).

The parser reads CSL-JSON's HTML-like markup (``<i>``, ``<b>``, ``<sc>``,
``<sup>``, ``<span class="nocase">`` …) and straight or curly quotation marks,
the way the reference processor (citeproc-hs, used by pandoc) does.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["Span", "text_of", "is_empty", "parse_markup", "render_html", "render_text"]


class Span:
    __slots__ = ("kind", "children", "attr")

    def __init__(self, kind: str, children: list, attr: str | None = None):
        self.kind = kind
        self.children = children
        self.attr = attr

    def __eq__(self, other):
        return (isinstance(other, Span) and self.kind == other.kind and self.attr == other.attr
                and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, self.attr, text_of(self.children)))

    def __repr__(self):
        return f"Span({self.kind!r}, {self.children!r}{', ' + repr(self.attr) if self.attr else ''})"


# ---------------------------------------------------------------------------
# Inspecting and editing


def text_of(rich) -> str:
    """The text of a rich value, without markup (quotation marks are not text)."""
    if isinstance(rich, str):
        return rich
    out = []
    for item in rich:
        if isinstance(item, str):
            out.append(item)
        else:
            out.append(text_of(item.children))
    return "".join(out)


def has_text(rich) -> bool:
    """Does a rich value hold any text? (fast: stops at the first non-empty leaf)"""
    for item in rich:
        if type(item) is str:
            if item:
                return True
        elif has_text(item.children):
            return True
    return False


def has_quotes(rich) -> bool:
    for item in rich:
        if type(item) is not str and (item.kind == "q" or has_quotes(item.children)):
            return True
    return False


def is_empty(rich) -> bool:
    for item in rich:
        if isinstance(item, str):
            if item:
                return False
        elif not is_empty(item.children):
            return False
    return True


def first_char(rich) -> str:
    for item in rich:
        if isinstance(item, str):
            if item:
                return item[0]
        else:
            c = first_char(item.children)
            if c:
                return c
    return ""


def last_char(rich) -> str:
    for item in reversed(rich):
        if isinstance(item, str):
            if item:
                return item[-1]
        else:
            c = last_char(item.children)
            if c:
                return c
    return ""


def drop_while(rich: list, pred) -> list:
    """Drop leading characters matching *pred* from the first text leaf."""
    out = list(rich)
    for i, item in enumerate(out):
        if isinstance(item, str):
            if not item:
                continue
            j = 0
            while j < len(item) and pred(item[j]):
                j += 1
            if j:
                # an emptied leaf stays (as in the reference processor): a period dropped from an
                # affix after "Ibid." leaves "", which later tells pandoc-style note handling
                # that the citation's final period belongs to an abbreviation
                out[i] = item[j:]
            return out
        if is_empty(item.children):
            continue
        out[i] = Span(item.kind, drop_while(item.children, pred), item.attr)
        return out
    return out


def drop_while_end(rich: list, pred) -> list:
    """Drop trailing characters matching *pred* from the last text leaf."""
    out = list(rich)
    for i in range(len(out) - 1, -1, -1):
        item = out[i]
        if isinstance(item, str):
            if not item:
                continue
            j = len(item)
            while j > 0 and pred(item[j - 1]):
                j -= 1
            if j < len(item):
                out[i] = item[:j]
            return out
        if is_empty(item.children):
            continue
        out[i] = Span(item.kind, drop_while_end(item.children, pred), item.attr)
        return out
    return out


def map_text(rich: list, fn) -> list:
    out = []
    for item in rich:
        if isinstance(item, str):
            t = fn(item)
            if t:
                out.append(t)
        else:
            out.append(Span(item.kind, map_text(item.children, fn), item.attr))
    return out


def remove_final_period(rich: list) -> list:
    """Drop a citation's final period (before a closing quotation mark, too), as pandoc does
    for citations it puts in parentheses inside a note."""
    if not rich:
        return rich
    last = rich[-1]
    if isinstance(last, Span):
        return rich[:-1] + [Span(last.kind, remove_final_period(last.children), last.attr)]
    if last.endswith("."):
        return rich[:-1] + [last[:-1]]
    if last[-1:] in ("\u201d", "\u2019", "\u00bb"):
        head = last[:-1]
        return remove_final_period(rich[:-1] + ([head] if head else [])) + [last[-1]]
    return rich


def strip_spaces_end(rich: list) -> list:
    return drop_while_end(rich, lambda c: c == " ")


# ---------------------------------------------------------------------------
# Case transformation (CSL text-case), with the reference processor's rules

START, START_SENTENCE, AFTER_WORD_END, AFTER_WORD_CHAR, AFTER_SENT_PUNCT, AFTER_OTHER_PUNCT, BEFORE_LAST_WORD = range(7)
_OPAQUE = {"nodecor", "sc", "baseline", "sub", "sup", "nocase", "div", "link"}
_WORD_BREAK = set(" -/\u2013\u2014\t\n\u00a0")
STOP_WORDS = {"a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor",
              "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet",
              "about", "van", "von", "de", "d", "l"}


def _isalnum(t: str) -> bool:
    return all(c.isalnum() for c in t)


def _chunks(t: str) -> list[str]:
    # alphanumeric runs, space runs, punctuation runs; other symbols one by one
    out = []
    i, n = 0, len(t)
    while i < n:
        c = t[i]
        j = i + 1
        if c.isalnum():
            while j < n and t[j].isalnum():
                j += 1
        elif c.isspace():
            while j < n and t[j].isspace():
                j += 1
        elif unicodedata.category(c).startswith("P"):
            while j < n and unicodedata.category(t[j]).startswith("P"):
                j += 1
        out.append(t[i:j])
        i = j
    return out


def _mixed(t):
    return any(c.isupper() for c in t) and any(c.islower() for c in t)


def _all_lower(t):
    return all(c.islower() for c in t)


def _all_upper(t):
    return all(c.isupper() for c in t)


def _capitalize(t):
    return t[:1].upper() + t[1:]


def tc_upper(st, t):
    return t.upper()


def tc_lower(st, t):
    return t.lower()


def tc_capitalize_all(st, t):
    if _mixed(t):
        return t
    if st in (START, START_SENTENCE, AFTER_WORD_END, BEFORE_LAST_WORD) and _all_lower(t):
        return _capitalize(t)
    return t


def tc_capitalize_first(st, t):
    if _mixed(t):
        return t
    if st == START and _all_lower(t):
        return _capitalize(t)
    return t


def _is_capitalized(t):
    return bool(t) and t[0].isupper() and all(c.islower() for c in t[1:])


def tc_sentence(st, t):
    starting = st in (START, START_SENTENCE)
    if _is_capitalized(t) and not starting:
        return t.lower()
    if (_is_capitalized(t) or _all_lower(t)) and starting:
        return _capitalize(t.lower())
    return t


def tc_title(st, t):
    if _mixed(t):
        return t
    if _all_upper(t):
        return t
    if not t.isascii():
        return t
    if st in (START_SENTENCE, START):
        return _capitalize(t.lower())
    if st == AFTER_WORD_END and t not in STOP_WORDS and len(t) > 1:
        return _capitalize(t.lower())
    if st == BEFORE_LAST_WORD and len(t) > 1:
        return _capitalize(t.lower())
    return t


CASE_FUNCTIONS = {"uppercase": tc_upper, "lowercase": tc_lower, "capitalize-all": tc_capitalize_all,
                  "capitalize-first": tc_capitalize_first, "sentence": tc_sentence, "title": tc_title}


def _has_word_break(rich) -> bool:
    return any(c in _WORD_BREAK for c in text_of(rich))


def case_transform(rich: list, text_case: str) -> list:
    """Apply a CSL ``text-case`` to *rich* (never inside nocase, small caps, sup/sub, links)."""
    fn = CASE_FUNCTIONS.get(text_case)
    if fn is None:
        return rich
    state = [START]

    def g(t: str) -> str:
        st = state[0]
        if t:
            c = t[-1]
            if c in ".?!:":
                state[0] = AFTER_SENT_PUNCT
            elif c.isalnum():
                state[0] = AFTER_WORD_CHAR
            elif c.isspace() and st == AFTER_SENT_PUNCT:
                state[0] = START_SENTENCE
            elif c in _WORD_BREAK or c.isspace():
                state[0] = AFTER_WORD_END
        if _isalnum(t):
            return fn(st, t)
        return t

    def walk(items: list, level: int) -> list:
        out = []
        n = len(items)
        if level == 0 and n > 1:
            # break_after[k]: does any item from k on contain a word break?
            break_after = [False] * (n + 1)
            for k in range(n - 1, -1, -1):
                break_after[k] = break_after[k + 1] or _has_word_break([items[k]])
        for k, item in enumerate(items):
            if k > 0 and level == 0:
                if not break_after[k] and state[0] in (AFTER_WORD_END, START_SENTENCE, START):
                    state[0] = BEFORE_LAST_WORD
            if isinstance(item, str):
                out.append("".join(g(c) for c in _chunks(item)))
            elif item.kind in _OPAQUE:
                g(text_of(item.children))
                out.append(item)
            else:
                out.append(Span(item.kind, walk(item.children, level + 1), item.attr))
        return out

    return walk(rich, 0)


# ---------------------------------------------------------------------------
# Punctuation inside quotation marks (punctuation-in-quote="true" locales)


def punctuation_inside_quotes(rich: list) -> list:
    out: list = []
    items = [(Span(i.kind, punctuation_inside_quotes(i.children), i.attr) if isinstance(i, Span) else i)
             for i in rich]
    k = 0
    while k < len(items):
        item = items[k]
        if isinstance(item, Span) and item.kind == "q" and k + 1 < len(items):
            nxt = items[k + 1]
            if isinstance(nxt, str) and nxt[:1] in (".", ","):
                # into this quotation, and into a quotation that ends it ("… ‘Leap Forward.’”)
                out.append(Span("q", punctuation_inside_quotes(item.children + [nxt[0]])))
                if nxt[1:]:
                    items[k + 1] = nxt[1:]
                else:
                    k += 1
                k += 1
                continue
        out.append(item)
        k += 1
    return out


# ---------------------------------------------------------------------------
# Parsing CSL-JSON markup

SUPERSCRIPT_CHARS = {
    "\u00aa": "a", "\u00b2": "2", "\u00b3": "3", "\u00b9": "1", "\u00ba": "o", "\u02b0": "h",
    "\u02b2": "j", "\u02b3": "r", "\u02b7": "w", "\u02b8": "y", "\u02e1": "l", "\u02e2": "s",
    "\u02e3": "x", "\u1d2c": "A", "\u1d2e": "B", "\u1d30": "D", "\u1d31": "E", "\u1d33": "G",
    "\u1d34": "H", "\u1d35": "I", "\u1d36": "J", "\u1d37": "K", "\u1d38": "L", "\u1d39": "M",
    "\u1d3a": "N", "\u1d3c": "O", "\u1d3e": "P", "\u1d3f": "R", "\u1d40": "T", "\u1d41": "U",
    "\u1d42": "W", "\u1d43": "a", "\u1d47": "b", "\u1d48": "d", "\u1d49": "e", "\u1d4d": "g",
    "\u1d4f": "k", "\u1d50": "m", "\u1d52": "o", "\u1d56": "p", "\u1d57": "t", "\u1d58": "u",
    "\u1d5b": "v", "\u2070": "0", "\u2071": "i", "\u2074": "4", "\u2075": "5", "\u2076": "6",
    "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207a": "+", "\u207b": "\u2212", "\u207c": "=",
    "\u207d": "(", "\u207e": ")", "\u207f": "n", "\u2120": "SM", "\u2122": "TM",
}
DEFAULT_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019")

_TAGS = [  # (opening text, closing text, span kind)
    ("<i>", "</i>", "i"), ("<b>", "</b>", "b"), ("<u>", "</u>", "u"), ("<sup>", "</sup>", "sup"),
    ("<sub>", "</sub>", "sub"), ("<sc>", "</sc>", "sc"),
]
_SPAN_RE = re.compile(r'<span\s*(class="nodecor"|style="baseline"|style="font-variant:\s*small-caps;\s*"|'
                      r'class="nocase")\s*>')
_SPAN_KINDS = {'class="nodecor"': "nodecor", 'style="baseline"': "baseline", 'class="nocase"': "nocase"}


def _narrow(t: str) -> str:
    if " " in t or "«" in t:
        t = (t.replace(" ;", "\u202f;").replace(" ?", "\u202f?").replace(" !", "\u202f!")
             .replace(" »", "\u202f»").replace("« ", "«\u202f"))
    return t


class _Parser:
    def __init__(self, s: str, quotes=DEFAULT_QUOTES):
        self.s = s
        oo, oc, io, ic = quotes
        self.quote_chars = set(oo + oc + io + ic)
        self.openers = {'"': '"', "'": "'", oo: oc, io: ic}

    def special(self, c: str) -> bool:
        return (c in "<>'\"\u2019" or (not c.isascii() and (c in self.quote_chars or c in SUPERSCRIPT_CHARS)))

    def many_till(self, i: int, close: str | None):
        items = []
        s = self.s
        while True:
            if close is not None and s.startswith(close, i):
                return items, i + len(close)
            if i >= len(s):
                return (items, i) if close is None else None
            r = self.one(i)
            if r is None:
                return None
            item, i = r
            if item is not None:
                items.append(item)

    def one(self, i: int):
        s = self.s
        c = s[i]
        # plain text
        if c.isalnum() and not self.special(c):
            j = i + 1
            while j < len(s) and s[j].isalnum() and not self.special(s[j]):
                j += 1
            t = s[i:j]
            if j < len(s) and s[j] in "'\u2019":
                k = j + 1
                while k < len(s) and s[k].isalnum():
                    k += 1
                if k > j + 1:
                    t = t + "\u2019" + s[j + 1:k]
                    j = k
            return _narrow(t), j
        if not c.isalnum() and not self.special(c):
            j = i + 1
            while j < len(s) and not s[j].isalnum() and not self.special(s[j]):
                j += 1
            return _narrow(s[i:j]), j
        # quoted
        for opener, closer in self.openers.items():
            if opener and s.startswith(opener, i):
                k = i + len(opener)
                if k < len(s) and s[k] not in " \t\n\r" and not s.startswith(closer, k):
                    r = self.many_till(k, closer)
                    if r is not None:
                        return Span("q", r[0]), r[1]
                break
        if c == "<":
            for open_, close, kind in _TAGS:
                if s.startswith(open_, i):
                    r = self.many_till(i + len(open_), close)
                    if r is not None:
                        return Span(kind, r[0]), r[1]
            m = _SPAN_RE.match(s, i)
            if m:
                r = self.many_till(m.end(), "</span>")
                if r is not None:
                    kind = _SPAN_KINDS.get(m.group(1), "sc")
                    return Span(kind, r[0]), r[1]
        if c in "'\u2019":
            return "\u2019", i + 1
        return c, i + 1


_PLAIN_RE = re.compile(r"""^[^<>'"\u2019\u2018\u201c\u201d\u00ab\u00bb\u2039\u203a\u201e\u201a\u00aa\u00b2\u00b3\u00b9\u00ba\u02b0-\u02ff\u1d2c-\u1d61\u2070-\u209f\u2120\u2122]*$""")


def parse_markup(s: str, quotes=DEFAULT_QUOTES) -> list:
    """Parse CSL-JSON rich text (HTML-like tags, quotation marks) into a rich value."""
    if not s:
        return []
    if _PLAIN_RE.match(s):
        return [_narrow(t) for t in _split_words(s)]
    r = _Parser(s, quotes).many_till(0, None)
    if r is None:
        return [s]
    return r[0]


def _split_words(s: str) -> list[str]:
    # alphanumeric runs and non-alphanumeric runs, as the parser yields them
    out = []
    i, n = 0, len(s)
    while i < n:
        alnum = s[i].isalnum()
        j = i + 1
        while j < n and s[j].isalnum() == alnum:
            j += 1
        out.append(s[i:j])
        i = j
    return out


# ---------------------------------------------------------------------------
# Rendering


def _escape(t: str) -> str:
    if "<" in t or ">" in t or "&" in t:
        return t.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    return t


def render_html(rich: list, quotes=DEFAULT_QUOTES) -> str:
    """The CSL test suite's HTML for a rich value (with flip-flop of nested formatting)."""
    oo, oc, io, ic = quotes
    out: list[str] = []

    def go(items, outer_q, ital, bold, sc):
        for item in items:
            if isinstance(item, str):
                if len(item) == 1 and item in SUPERSCRIPT_CHARS:
                    out.append(f"<sup>{SUPERSCRIPT_CHARS[item]}</sup>")
                else:
                    out.append(_escape(item))
                continue
            k, ch = item.kind, item.children
            if k == "q":
                out.append(oo if outer_q else io)
                go(ch, not outer_q, ital, bold, sc)
                out.append(oc if outer_q else ic)
            elif k == "normal":
                if ital:
                    go(ch, outer_q, ital, bold, sc)
                else:
                    out.append('<span style="font-style:normal;">')
                    go(ch, outer_q, ital, bold, sc)
                    out.append("</span>")
            elif k == "i":
                if ital:
                    out.append("<i>"); go(ch, outer_q, False, bold, sc); out.append("</i>")
                else:
                    out.append('<span style="font-style:normal;">'); go(ch, outer_q, True, bold, sc)
                    out.append("</span>")
            elif k == "b":
                if bold:
                    out.append("<b>"); go(ch, outer_q, ital, False, sc); out.append("</b>")
                else:
                    out.append('<span style="font-weight:normal;">'); go(ch, outer_q, ital, True, sc)
                    out.append("</span>")
            elif k == "u":
                out.append("<u>"); go(ch, outer_q, ital, bold, sc); out.append("</u>")
            elif k == "nodecor":
                style = ("" if sc else "font-variant:normal;") + ("" if bold else "font-weight:normal;") + \
                        ("" if ital else "font-style:normal;")
                out.append(f'<span style="{style}">'); go(ch, outer_q, ital, bold, sc); out.append("</span>")
            elif k == "sc":
                if sc:
                    out.append('<span style="font-variant:small-caps;">'); go(ch, outer_q, ital, bold, False)
                else:
                    out.append('<span style="font-variant:normal;">'); go(ch, outer_q, ital, bold, True)
                out.append("</span>")
            elif k in ("sup", "sub"):
                out.append(f"<{k}>"); go(ch, outer_q, ital, bold, sc); out.append(f"</{k}>")
            elif k == "baseline":
                out.append('<span class="baseline">'); go(ch, outer_q, ital, bold, sc); out.append("</span>")
            elif k == "div":
                out.append(f'<div class="csl-{item.attr}">'); go(ch, outer_q, ital, bold, sc); out.append("</div>")
            elif k == "link":
                out.append(f'<a href="{item.attr}">'); go(ch, outer_q, ital, bold, sc); out.append("</a>")
            else:  # nocase and unknown
                go(ch, outer_q, ital, bold, sc)

    go(rich, True, True, True, True)
    return "".join(out)


def render_text(rich: list, quotes=DEFAULT_QUOTES, margin_space: bool = True) -> str:
    """Plain text, with the locale's quotation marks (nested quotes flipped)."""
    oo, oc, io, ic = quotes
    out: list[str] = []

    def go(items, outer_q):
        for item in items:
            if isinstance(item, str):
                out.append(item)
            elif item.kind == "q":
                out.append(oo if outer_q else io)
                go(item.children, not outer_q)
                out.append(oc if outer_q else ic)
            else:
                go(item.children, outer_q)
                if item.kind == "div" and item.attr == "left-margin" and margin_space:
                    out.append(" ")

    go(rich, True)
    return "".join(out)
