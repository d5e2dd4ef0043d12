"""Codebooks: the built-ins load and speak kindly; broken ones fail with one clear line."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from vigtool.codebook import (
    DEFAULT_CODEBOOK_ID,
    Code,
    Codebook,
    CodeGroup,
    builtin_codebook,
    builtin_codebooks,
    codebook_from_dict,
    load_codebook,
)
from vigtool.errors import CodebookError, NotFound
from vigtool.resources import schema_file

PRINCIPLES = (
    "Being attentive",
    "Encouraging initiatives",
    "Receiving initiatives",
    "Developing attuned interactions",
    "Guiding",
    "Deepening discussion",
)
SERVE_AND_RETURN_STEPS = (
    "Share the focus",
    "Support and encourage",
    "Name it",
    "Take turns, and wait",
    "Practise endings and beginnings",
)
DEFICIT_WORDS = re.compile(
    r"\b(failed|fail|poor|wrong|missed|bad|should\s+have|didn't|problem|concern|never|not)\b",
    re.IGNORECASE,
)
JARGON = re.compile(r"\b(initiatives?|attune[d]?|scaffold\w*|reception)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(you|your)\b", re.IGNORECASE)


def deficit_words(text: str) -> list[str]:
    return DEFICIT_WORDS.findall(text.replace("\u2019", "'"))


def raw_builtin(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_file(f"codebooks/{name}.json").read_text("utf-8"))
    return data


def all_builtin_codes() -> list[Code]:
    return [code for book in builtin_codebooks() for code in book.codes]


def one_line(err: pytest.ExceptionInfo[CodebookError]) -> str:
    message = str(err.value)
    assert len(message.splitlines()) == 1, message
    assert message.strip() == message
    return message


# --- the built-in codebooks -------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(schema_file("codebook.schema.json").read_text("utf-8"))
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", ["vig-principles", "serve-and-return"])
def test_builtin_file_validates_and_is_named_after_its_id(name: str) -> None:
    schema = json.loads(schema_file("codebook.schema.json").read_text("utf-8"))
    data = raw_builtin(name)
    Draft202012Validator(schema).validate(data)
    assert data["id"] == name
    assert load_codebook(Path(str(schema_file(f"codebooks/{name}.json")))).id == name


def test_builtin_codebooks_default_first() -> None:
    books = builtin_codebooks()
    assert [book.id for book in books] == [DEFAULT_CODEBOOK_ID, "serve-and-return"]
    assert builtin_codebook(DEFAULT_CODEBOOK_ID) is books[0]
    assert all(isinstance(book.codes, tuple) and isinstance(book.groups, tuple) for book in books)


def test_principle_keys_map_to_the_six_principles_in_order() -> None:
    book = builtin_codebook("vig-principles")
    assert tuple(code.label for code in book.codes) == PRINCIPLES
    for number, label in enumerate(PRINCIPLES, start=1):
        code = book.by_key(str(number))
        assert code is not None
        assert code.label == label
    assert book.by_key("7") is None
    assert book.by_key("0") is None


def test_principles_sit_in_two_lanes() -> None:
    book = builtin_codebook("vig-principles")
    assert [group.id for group in book.groups] == ["attuned", "guidance"]
    assert [code.label for code in book.codes_in_group("attuned")] == list(PRINCIPLES[:4])
    assert [code.label for code in book.codes_in_group("guidance")] == list(PRINCIPLES[4:])


def test_serve_and_return_keys_map_to_the_five_steps_in_order() -> None:
    book = builtin_codebook("serve-and-return")
    for number, label in enumerate(SERVE_AND_RETURN_STEPS, start=1):
        code = book.by_key(str(number))
        assert code is not None
        assert code.label == label
    assert book.by_key("6") is None


@pytest.mark.parametrize("code", all_builtin_codes(), ids=lambda code: code.id)
def test_parent_wording_is_strengths_only_second_person_and_plain(code: Code) -> None:
    assert deficit_words(code.parent_wording) == []
    assert SECOND_PERSON.search(code.parent_wording), code.parent_wording
    assert not JARGON.search(code.parent_wording), code.parent_wording


@pytest.mark.parametrize("code", all_builtin_codes(), ids=lambda code: code.id)
def test_every_builtin_code_is_fully_described(code: Code) -> None:
    assert code.description
    assert code.elements
    assert code.key is not None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("You failed to notice", ["failed"]),
        ("That was NOT the moment", ["NOT"]),
        ("You should  have waited", ["should  have"]),
        ("You didn\u2019t wait", ["didn't"]),
        ("Nothing cannot be enjoyed; notable warmth", []),
    ],
)
def test_deficit_check_matches_whole_words_only(text: str, found: list[str]) -> None:
    assert deficit_words(text) == found


def test_builtin_colours_are_distinct_within_each_codebook() -> None:
    for book in builtin_codebooks():
        colours = [code.colour.lower() for code in book.codes]
        assert len(set(colours)) == len(colours), book.id


# --- lookups and round trips ---------------------------------------------------


def test_lookups() -> None:
    book = builtin_codebook("vig-principles")
    assert book.code("guiding").key == "5"
    assert book.group("guidance").label == "Guidance"
    with pytest.raises(NotFound, match="no-such-code"):
        book.code("no-such-code")
    with pytest.raises(NotFound, match="lanes"):
        book.codes_in_group("lanes")


def test_letter_keys_match_in_either_case() -> None:
    data = raw_builtin("serve-and-return")
    data["codes"][0]["key"] = "f"
    book = codebook_from_dict(data, "letters")
    assert book.by_key("f") == book.by_key("F") == book.codes[0]


def test_version_written_as_2_point_0_is_a_whole_number() -> None:
    data = raw_builtin("serve-and-return")
    data["version"] = 2.0
    version = codebook_from_dict(data, "v2").version
    assert version == 2
    assert isinstance(version, int)


def test_unknown_builtin_names_the_ones_that_exist() -> None:
    with pytest.raises(NotFound, match="vig-principles"):
        builtin_codebook("marte-meo")


@pytest.mark.parametrize("book", builtin_codebooks(), ids=lambda book: book.id)
def test_to_dict_round_trips(book: Codebook) -> None:
    assert codebook_from_dict(json.loads(json.dumps(book.to_dict())), "copy") == book


def test_building_an_inconsistent_codebook_by_hand_is_refused() -> None:
    group = CodeGroup(id="lane", label="Lane")
    code = Code(
        id="a", label="A", group="lane", colour="#000000", description="d", parent_wording="p"
    )
    with pytest.raises(CodebookError, match=r"codes\[1\]\.id"):
        Codebook(id="x", name="X", version=1, description="d", groups=(group,), codes=(code, code))


# --- broken codebooks -------------------------------------------------------------


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        target: Any = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


BROKEN = {
    "bad colour": (
        _set(("codes", 2, "colour"), "red"),
        ["codes[2].colour", "'red'"],
    ),
    "typo in a property name": (
        _set(("codes", 1, "colur"), "#000000"),
        ["codes[1]", "'colur'"],
    ),
    "typo at the top level": (_set(("nmae",), "x"), ["the top level", "'nmae'"]),
    "missing parent wording": (_delete(("codes", 0, "parent_wording")), ["codes[0]"]),
    "duplicate key": (_set(("codes", 3, "key"), "2"), ["codes[3].key", "'2'"]),
    "duplicate id": (
        _set(("codes", 5, "id"), "guiding"),
        ["codes[5].id", "'guiding'"],
    ),
    "unknown group": (
        _set(("codes", 0, "group"), "atuned"),
        ["codes[0].group", "'atuned'"],
    ),
    "duplicate group id": (_set(("groups", 1, "id"), "attuned"), ["groups[1].id"]),
    "key that is a word": (_set(("codes", 0, "key"), "space"), ["codes[0].key"]),
    "id with a trailing newline": (_set(("codes", 0, "id"), "being-attentive\n"), ["codes[0].id"]),
    "version as text": (
        _set(("version",), "1.0"),
        ["at version, expected a whole number, found a string"],
    ),
    "codes as an object": (
        _set(("codes",), {"one": 1}),
        ["at codes, expected an array, found an object"],
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_codebook_file_names_the_path(case: str, tmp_path: Path) -> None:
    mutate, expected = BROKEN[case]
    data = raw_builtin("vig-principles")
    mutate(data)
    path = tmp_path / "my.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = one_line(err)
    assert message.startswith("codebook my.json is not valid: at ")
    for part in expected:
        assert part in message


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_broken_codebook_data_fails_the_same_way(case: str) -> None:
    mutate, expected = BROKEN[case]
    data = raw_builtin("vig-principles")
    mutate(data)
    with pytest.raises(CodebookError) as err:
        codebook_from_dict(data, "stored codebook 'vig-principles'")
    message = one_line(err)
    assert message.startswith("codebook stored codebook 'vig-principles' is not valid: at ")
    assert all(part in message for part in expected)


def test_example_message_from_the_brief(tmp_path: Path) -> None:
    data = raw_builtin("vig-principles")
    data["codes"][2]["colour"] = "red"
    path = tmp_path / "my.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert str(err.value) == (
        "codebook my.json is not valid: at codes[2].colour, "
        "'red' does not match '^#[0-9a-fA-F]{6}$'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": "x",\n "name": }', "not valid JSON: Expecting value at line 2, column 10"),
        ("", "not valid JSON"),
        ('{"id": "a", "id": "b"}', 'the name "id" appears twice'),
        ('{"version": NaN}', "NaN is not allowed"),
        ("[1, 2]", "at the top level, expected an object, found an array"),
        ("[" * 100_000, "bad.json"),
    ],
)
def test_unreadable_json(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = one_line(err)
    assert "bad.json" in message
    assert expected in message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path / "gone.json")
    assert "gone.json was not found" in one_line(err)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(CodebookError) as err:
        load_codebook(tmp_path)
    assert tmp_path.name in one_line(err)


def test_text_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "Mère"}'.encode("latin-1"))
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    assert "not UTF-8" in one_line(err)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_text(json.dumps(raw_builtin("serve-and-return")), encoding="utf-8-sig")
    assert load_codebook(path) == builtin_codebook("serve-and-return")


def test_file_name_with_a_newline_still_gives_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    one_line(err)


# --- random mutations ---------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
Path_ = tuple[str | int, ...]


def _paths(node: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    yield prefix
    if isinstance(node, dict):
        for name, child in node.items():
            yield from _paths(child, (*prefix, name))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, (*prefix, index))


def _outcome(load: Callable[[], Codebook]) -> Codebook | CodebookError:
    try:
        return load()
    except CodebookError as err:
        return err


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_codebooks(draw: st.DrawFn) -> Any:
    doc: Any = raw_builtin(draw(st.sampled_from(["vig-principles", "serve-and-return"])))
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        existing = [_get(doc, other) for other in paths]
        # Values copied from elsewhere in the document make plausible mistakes
        # (a repeated key or id, a group name in the wrong place) more likely.
        value = copy.deepcopy(draw(st.sampled_from(existing) | JSON_VALUES))
        operation = draw(st.sampled_from(["replace", "delete", "insert"]))
        if not path:
            doc = value
            continue
        parent = _get(doc, path[:-1])
        last = path[-1]
        if operation == "replace":
            parent[last] = value
        elif operation == "delete":
            del parent[last]
        elif isinstance(parent, list):
            parent.insert(int(last), value)
        else:
            parent[draw(st.text(max_size=8))] = value
    return doc


@settings(max_examples=300, deadline=None)
@given(mutated_codebooks())
def test_mutated_codebooks_load_or_raise_codebook_error(data: Any) -> None:
    result = _outcome(lambda: codebook_from_dict(data, "mutated.json"))
    if isinstance(result, CodebookError):
        message = str(result)
        assert len(message.splitlines()) == 1, message
        assert message.startswith("codebook mutated.json ")
    else:
        assert codebook_from_dict(result.to_dict(), "again") == result
        for code in result.codes:
            assert code.group in {group.id for group in result.groups}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0), junk=st.text(max_size=5))
def test_damaged_files_load_or_raise_codebook_error(
    tmp_path_factory: pytest.TempPathFactory, cut: int, junk: str
) -> None:
    text = json.dumps(raw_builtin("vig-principles"), indent=1)
    cut %= len(text) + 1
    path = tmp_path_factory.mktemp("damaged") / "damaged.json"
    path.write_text(text[:cut] + junk + text[cut:], encoding="utf-8")
    result = _outcome(lambda: load_codebook(path))
    if isinstance(result, CodebookError):
        assert len(str(result).splitlines()) == 1
