"""The front-matter model: Quarto keys read, unknown keys warned, wrong types refused with a line."""

from pathlib import Path

import pytest

from pubpipe.errors import UserError
from pubpipe.metadata import load_metadata, split_name

FULL = """---
title: "A *Title*"
subtitle: Sub
author:
  - name: Ada María López
    orcid: 0000-0002-1825-0097
    email: ada@example.org
    corresponding: true
    roles: [conceptualization, Writing – review & editing]
    affiliations:
      - ref: uni
  - name: {given: 志华, family: 沈}
affiliations:
  - id: uni
    name: University of Example
    ror: 052gg0110
keywords: a, b
lang: en-GB
date: 2024-05
doi: https://doi.org/10.1234/ABC.5
license: cc-by-4.0
copyright: {holder: The Authors, year: 2024}
funding:
  - source: Council
    award: [A-1, A-2]
citation: {container-title: J, volume: 3, page: 5-9, issn: 1234-5679}
---
Body.
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "m.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_quarto_scholarly_keys(tmp_path):
    meta = load_metadata(write(tmp_path, FULL))
    assert meta.plain_title == "A Title"
    ada, shen = meta.authors
    assert (ada.given, ada.family) == ("Ada María", "López")
    assert ada.orcid == "https://orcid.org/0000-0002-1825-0097"
    assert ada.roles == ["Conceptualization", "Writing – review & editing"]
    assert ada.affiliations == ["uni"] and ada.corresponding
    assert (shen.family, shen.given, shen.eastern, shen.display_name) == ("沈", "志华", True, "沈志华")
    assert meta.affiliations[0].ror == "https://ror.org/052gg0110"
    assert meta.keywords == ["a", "b"]
    assert meta.date == "2024-05" and meta.doi == "10.1234/ABC.5"
    assert meta.license.url == "https://creativecommons.org/licenses/by/4.0/"
    assert (meta.copyright_holder, meta.copyright_year) == ("The Authors", "2024")
    assert meta.funding[0].awards == ["A-1", "A-2"]
    assert (meta.journal.volume, meta.journal.first_page, meta.journal.last_page) == ("3", "5", "9")


def test_unknown_keys_are_warnings(tmp_path, capsys):
    meta = load_metadata(write(tmp_path, "---\ntitle: T\ncolour: blue\nauthor:\n  - name: A B\n    shoe: 9\n---\n"))
    err = capsys.readouterr().err
    assert "m.md:3: front matter 'colour': unknown key" in err
    assert "m.md:6: front matter 'author.0.shoe': unknown key" in err
    assert len(meta.warnings) == 2


@pytest.mark.parametrize("yaml_text, line, fragment", [
    ("title: T\nauthor:\n  - name: A\n    orcid: 1234\n", 5, "is not an ORCID"),
    ("title: T\nkeywords: {a: 1}\n", 3, "expected a list of text"),
    ("title: [a, b]\n", 2, "expected text, found a list"),
    ("title: T\ndate: 2024-13-45\n", 3, "not a calendar date"),
    ("title: T\ndate: last spring\n", 3, "is not a date"),
    ("title: T\nauthor:\n  - name: A\n    corresponding: maybe\n", 5, "expected true or false"),
    ("title: T\nauthor:\n  - name: A\n    affiliations: [{ref: nowhere}]\n", 5, "no affiliation has id 'nowhere'"),
    ("title: T\nlang: 'english please'\n", 3, "not a language tag"),
    ("title: T\npaper: a5\n", 3, "not a paper size"),
    ("subtitle: no title\n", 1, "has no 'title'"),
])
def test_wrong_types_are_errors_with_line(tmp_path, yaml_text, line, fragment):
    path = write(tmp_path, f"---\n{yaml_text}---\nBody\n")
    with pytest.raises(UserError) as info:
        load_metadata(path)
    message = str(info.value)
    assert fragment in message
    assert message.startswith(f"{path}:{line}:") or (line == 1 and message.startswith(f"{path}:"))


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "---\ntitle: T\nauthor: [unclosed\nkeywords: x\n---\n")
    with pytest.raises(UserError) as info:
        load_metadata(path)
    assert "malformed" in str(info.value) and str(info.value).startswith(f"{path}:")


def test_yaml_aliases_refused(tmp_path):
    path = write(tmp_path, "---\ntitle: &t T\nsubtitle: *t\n---\n")
    with pytest.raises(UserError, match="aliases"):
        load_metadata(path)


def test_unclosed_front_matter(tmp_path):
    with pytest.raises(UserError, match="never closed"):
        load_metadata(write(tmp_path, "---\ntitle: T\n\nBody"))


@pytest.mark.parametrize("name, expected", [
    ("Jane Doe", ("Jane", "Doe", False)),
    ("Doe, Jane Q.", ("Jane Q.", "Doe", False)),
    ("Ludwig van Beethoven", ("Ludwig", "van Beethoven", False)),
    ("沈志华", ("志华", "沈", True)),
    ("Plato", ("", "Plato", False)),
])
def test_split_name(name, expected):
    assert split_name(name) == expected
