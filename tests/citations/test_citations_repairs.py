"""Each citeproc-py defect named in issue 3, repaired in pubpipe.citations.repairs, with a fixture.

Every test formats real inputs (the test bibliography, tests/fixtures/citations/
bibliography.json) in a real style and checks the text, and where the official CSL
test suite has a fixture for the defect, that fixture passes too.
"""

from __future__ import annotations

import pytest

from conftest import format_text, run_suite_fixture


def cite(key, locator=None, label=None, **kw):
    return {"id": key, "locator": locator, "label": label if label or not locator else "page", **kw}


# -- punctuation-in-quote -------------------------------------------------------------------

def test_punctuation_moves_inside_quotes_in_us_english_only():
    us = format_text("chicago-notes-bibliography", [[cite("lankov2002", "90")]], "en-US").citations[0]
    gb = format_text("chicago-notes-bibliography", [[cite("lankov2002", "90")]], "en-GB").citations[0]
    assert "in North Korea, 1956–1960,” Korean Studies" in us
    assert "in North Korea, 1956–1960’, Korean Studies" in gb


def test_punctuation_in_quote_suite_fixture():
    ok, expected, actual = run_suite_fixture("punctuation_FullMontyQuotesOut")
    assert ok, (expected, actual)


# -- nested quote flipping ------------------------------------------------------------------

def test_quotes_inside_a_quoted_title_flip():
    us = format_text("chicago-notes-bibliography", [[cite("lankov2002")]], "en-US").citations[0]
    gb = format_text("chicago-notes-bibliography", [[cite("lankov2002")]], "en-GB").citations[0]
    assert "“Kim Takes Control: The ‘Great Purge’ in North Korea" in us
    assert "‘Kim Takes Control: The “Great Purge” in North Korea" in gb


@pytest.mark.parametrize("name", ["flipflop_ItalicsFlipped", "flipflop_SingleQuotesOnItalics",
                                  "quotes_PunctuationWithInnerQuote", "flipflop_SmallCaps"])
def test_flip_flop_suite_fixtures(name):
    ok, expected, actual = run_suite_fixture(name)
    assert ok, (expected, actual)


# -- missing space after the citation number -------------------------------------------------

def test_numeric_bibliography_has_a_space_after_the_number():
    f = format_text("ieee", [[cite("hobsbawm1994")]])
    assert f.entry("hobsbawm1994").startswith("[1] E. Hobsbawm, ")


def test_second_field_align_suite_fixture():
    ok, expected, actual = run_suite_fixture("display_SecondFieldAlignClone")
    assert ok, (expected, actual)


# -- initialize="false" ---------------------------------------------------------------------

def test_initialize_false_keeps_given_names():
    f = format_text("chicago-notes-bibliography", [[cite("paige1964")], [cite("chung1978")]])
    assert f.citations[0].startswith("Glenn D. Paige, ")       # not "G. D. Paige"
    assert "ed. A. Doak Barnett" in f.citations[0]             # existing initials keep their period
    assert f.entry("chung1978").startswith("Chung, Chin O. ")


def test_initials_still_made_where_the_style_asks():
    assert format_text("ieee", [[cite("paige1964")]]).entry("paige1964").startswith("[1] G. D. Paige, ")


# -- disambiguate="true" --------------------------------------------------------------------

def test_disambiguate_condition_only_for_cites_that_need_it():
    # Two works by B. C. Koh: their short notes differ by title, so no year is added (citeproc-py adds it
    # to every cite because it treats disambiguate="true" as always true).
    items = [{"id": "a", "type": "article-journal", "author": [{"family": "Koh", "given": "B. C."}],
              "title": "North Korea and Its Quest for Autonomy", "container-title": "Pacific Affairs",
              "volume": "38", "issued": {"date-parts": [[1965]]}},
             {"id": "b", "type": "article-journal", "author": [{"family": "Koh", "given": "B. C."}],
              "title": "The Impact of the Chinese Model on North Korea", "container-title": "Asian Survey",
              "volume": "18", "issued": {"date-parts": [[1978]]}}]
    f = format_text("chicago-notes-bibliography", [[cite("a", "300")], [cite("b", "643")], [cite("a", "302")],
                                                   [cite("b", "633")]], items=items)
    assert f.citations[2] == "Koh, “North Korea and Its Quest for Autonomy,” 302."
    assert f.citations[3] == "Koh, “The Impact of the Chinese Model on North Korea,” 633."


def test_disambiguate_condition_suite_fixture():
    ok, expected, actual = run_suite_fixture("disambiguate_DisambiguateTrueReflectedInBibliography")
    assert ok, (expected, actual)


# -- labels printed for empty variables ------------------------------------------------------

LABEL_CSL = """<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><id>x</id><title>labels</title><updated>2020-01-01T00:00:00+00:00</updated></info>
<citation><layout><text variable="title"/><label variable="edition" form="short" prefix=", "/>
<label variable="page" form="short" prefix=", "/></layout></citation></style>"""


def test_no_label_for_a_missing_variable():
    f = format_text(LABEL_CSL, [[cite("hobsbawm1994")], [cite("cumings2005")]])
    assert f.citations[0] == "The age of extremes: the short twentieth century, 1914–1991"  # no ", ed.", no ", p."
    assert f.citations[1].endswith("A Modern History, ed.")


def test_label_suite_fixture():
    ok, expected, actual = run_suite_fixture("label_EmptyLabelVanish")
    assert ok, (expected, actual)


# -- CJK names --------------------------------------------------------------------------------

def test_cjk_names_family_first_no_space_no_comma_no_initials():
    notes = format_text("chicago-notes-bibliography", [[cite("shen2011", "9")]])
    assert notes.citations[0].startswith("沈志华 and 董洁, ")
    assert notes.entry("shen2011").startswith("沈志华, and 董洁.")  # sort order adds no comma inside a CJK name
    apa = format_text("apa", [[cite("shen2011", "9")]])
    assert apa.citations[0] == "(沈 & 董, 2011, p. 9)"
    assert apa.entry("shen2011").startswith("沈志华, & 董洁. (2011).")  # pandoc: "沈志华., & 董洁."
    ieee = format_text("ieee", [[cite("shen2011")]])
    assert ieee.entry("shen2011").startswith("[1] 沈志华 and 董洁, ")


def test_static_ordering_keeps_a_latin_name_family_first():
    kim = {"id": "kim1978", "type": "book", "title": "On the Building of the Workers’ Party of Korea",
           "author": [{"family": "Kim", "given": "Il Sung", "static-ordering": True}],
           "issued": {"date-parts": [[1978]]}, "publisher": "Foreign Languages Press"}
    f = format_text("chicago-notes-bibliography", [[cite("kim1978", "12")]], items=[kim])
    assert f.citations[0].startswith("Kim Il Sung, ")
    assert f.entry("kim1978").startswith("Kim Il Sung. ")  # not inverted to "Kim, Il Sung"


def test_latin_and_cyrillic_names_keep_given_family_order():
    f = format_text("chicago-notes-bibliography", [[cite("tolstoy1869")], [cite("hobsbawm1994")]])
    assert f.citations[0].startswith("Лев Толстой, ")
    assert f.citations[1].startswith("Eric Hobsbawm, ")


# -- cs:substitute repeating editors -----------------------------------------------------------

def test_substituted_editor_is_not_repeated():
    f = format_text("chicago-author-date", [[cite("person2009")]])
    entry = f.entry("person2009")
    assert entry.startswith("Person, James, ed. 2009. New Evidence")
    assert entry.count("Person") == 1


def test_substitute_suite_fixture():
    ok, expected, actual = run_suite_fixture("substitute_SuppressOrdinaryVariable")
    assert ok, (expected, actual)


# -- the first locator leaking into the bibliography -------------------------------------------

def test_bibliography_entry_has_no_locator():
    f = format_text("chicago-notes-bibliography", [[cite("hobsbawm1994", "23")]])
    assert f.citations[0].endswith("(Michael Joseph, 1994), 23.")
    assert f.entry("hobsbawm1994") == ("Hobsbawm, Eric. The Age of Extremes: The Short Twentieth Century, "
                                       "1914–1991. Michael Joseph, 1994.")


# -- year-suffix disambiguation ------------------------------------------------------------------

def test_year_suffixes_for_same_author_same_year():
    f = format_text("apa", [[cite("smith2020a"), cite("smith2020b")]])
    assert f.citations[0] == "(Smith, 2020a, 2020b)"
    assert f.entry("smith2020a").startswith("Smith, H. (2020a). Hunger")
    assert f.entry("smith2020b").startswith("Smith, H. (2020b). North Korea")


def test_year_suffix_suite_fixture():
    ok, expected, actual = run_suite_fixture("disambiguate_YearSuffixAndSort")
    assert ok, (expected, actual)


# -- cite collapsing ---------------------------------------------------------------------------

def test_numeric_ranges_collapse():
    f = format_text("nature", [[cite("hobsbawm1994")], [cite("lankov2002"), cite("szalontai2005"),
                                                        cite("eight2019"), cite("paige1964")]], html=True)
    assert f.citations[1] == "<sup>2–5</sup>"


def test_author_date_cites_by_the_same_author_collapse():
    f = format_text("chicago-author-date", [[cite("smith2020a"), cite("haggard2007"), cite("smith2020b")]])
    assert f.citations[0] == "(Smith 2020a, 2020b; Haggard and Noland 2007)"  # grouped, not sorted


@pytest.mark.parametrize("name", ["collapse_CitationNumberRangesWithAffixes", "collapse_YearSuffixCollapse"])
def test_collapse_suite_fixtures(name):
    ok, expected, actual = run_suite_fixture(name)
    assert ok, (expected, actual)


# -- page-range-format for pages and locators ------------------------------------------------

def test_page_range_format_for_pages_and_locators():
    f = format_text("chicago-notes-bibliography", [[cite("paige1964", "230-245")], [cite("lankov2002")]])
    assert f.citations[0].endswith("(Praeger, 1964), 230–45.")   # chicago-16 on a locator
    assert "(2002): 87–119" in f.citations[1]                    # 87–119: expanded under 100
    apa = format_text("apa", [[cite("paige1964", "230-245")]])
    assert apa.citations[0] == "(Paige, 1964, pp. 230–245)"      # APA has no page-range-format: as given


def test_page_range_suite_fixture():
    ok, expected, actual = run_suite_fixture("page_Chicago16")
    assert ok, (expected, actual)


# -- ibid locator equality ----------------------------------------------------------------------

def test_ibid_compares_locators_by_value_and_label():
    f = format_text("chicago-notes-bibliography-subsequent-ibid",
                    [[cite("hobsbawm1994", "23")], [cite("hobsbawm1994", "23")], [cite("hobsbawm1994", "45")],
                     [cite("hobsbawm1994", "45", "chapter")], [cite("lankov2002")], [cite("hobsbawm1994", "45")]])
    assert f.citations[1] == "Ibid."
    assert f.citations[2] == "Ibid., 45."
    assert f.citations[3] == "Ibid., chap. 45."
    assert f.citations[5].startswith("Hobsbawm, The Age of Extremes")   # another work came in between


@pytest.mark.parametrize("name", ["position_IbidWithLocator", "position_IbidWithSuffix",
                                  "position_IfIbidWithLocatorIsTrueThenIbidIsTrue"])
def test_position_suite_fixtures(name):
    ok, expected, actual = run_suite_fixture(name)
    assert ok, (expected, actual)


# -- note-start capitalisation ---------------------------------------------------------------

def test_ibid_is_capitalised_at_the_start_of_a_note_and_after_a_sentence():
    f = format_text("chicago-notes-bibliography-subsequent-ibid",
                    [[cite("lankov2002")], [cite("lankov2002", prefix="See also the discussion. ")],
                     [cite("lankov2002", prefix="see ")]])
    assert f.citations[1] == "See also the discussion. Ibid."
    assert f.citations[2] == "see ibid."


# -- date-part delimiters ----------------------------------------------------------------------

def test_localized_dates_and_ranges():
    items = [{"id": "r", "type": "article-newspaper", "title": "A Range", "container-title": "Daily",
              "issued": {"date-parts": [[2000, 5, 1], [2000, 5, 3]]}},
             {"id": "s", "type": "article-newspaper", "title": "Another", "container-title": "Daily",
              "issued": {"date-parts": [[2000, 5, 30], [2000, 6, 2]]}}]
    f = format_text("chicago-author-date", [[cite("r")], [cite("s")]], items=items)
    assert f.entry("r").endswith("May 1–3.")
    assert f.entry("s").endswith("May 30–June 2.")
    us = format_text("chicago-notes-bibliography", [[cite("nyt1958")]], "en-US").citations[0]
    gb = format_text("chicago-notes-bibliography", [[cite("nyt1958")]], "en-GB").citations[0]
    assert "October 5, 1958" in us and "5 October 1958" in gb


@pytest.mark.parametrize("name", ["date_RangeDelimiter", "date_LocalizedDateFormats-en-US",
                                  "date_LocalizedDateFormats-de-DE"])
def test_date_suite_fixtures(name):
    ok, expected, actual = run_suite_fixture(name)
    assert ok, (expected, actual)
