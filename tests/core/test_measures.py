"""Scaling: ratings on the helping question's scale (and a service's measures), undoable,
and the measures file checked like a codebook, every problem in one line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vigtool.domain.measures import (
    BUILTIN_MEASURE,
    HELPING_QUESTION,
    MAX_MEASURES_BYTES,
    MeasuresError,
    load_measures,
)
from vigtool.errors import InvalidEdit, NotFound, ReadOnlyWorkspace
from vigtool.report.extract_messages import extract
from vigtool.resources import schema_file
from vigtool.workspace import Workspace

CALM = {"id": "calm-at-bath-time", "name": "Calm at bath time", "min": 1, "max": 5,
        "family_wording": "How calm do you feel at bath time now?",
        "min_label": "Still finding it hard", "max_label": "Very calm",
        "when": ["start", "end"]}
ENJOY = {"id": "enjoy-play", "name": "Enjoying play", "min": 0, "max": 10,
         "family_wording": "How much are you enjoying playing together?",
         "practitioner_wording": "Parent's enjoyment of play", "when": ["each-cycle"]}


def service_file(folder: Path, *measures: dict[str, Any], name: str = "measures.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"name": "Our service", "measures": list(measures)}),
                    encoding="utf-8")
    return path


# -- ratings ---------------------------------------------------------------------------------


def test_a_rating_from_the_first_meeting_to_the_end(workspace: Workspace) -> None:
    case = workspace.add_case("FAM-01", "How do I settle him at night?")
    first = workspace.add_rating(case.id, cycle=0, value=2)
    workspace.add_rating(case.id, cycle=1, value=4)
    workspace.add_rating(case.id, cycle=3, value=10)
    assert (first.cycle, first.value, first.measure, first.rated_by) == (
        0, 2, HELPING_QUESTION, "parent")
    assert [(r.cycle, r.value) for r in workspace.measures.ratings(case.id)] == [
        (0, 2), (1, 4), (3, 10)]
    (scale,) = workspace.measures.scales(case.id, up_to_cycle=1)
    assert scale.measure == BUILTIN_MEASURE
    assert [r.value for r in scale.ratings] == [2, 4]


@pytest.mark.parametrize(("value", "cycle", "words"), [
    (11, 1, "a rating on 'helping-question' is a whole number from 0 to 10, not 11"),
    (-1, 1, "from 0 to 10, not -1"),
    (5.5, 1, "not 5.5"),
    (True, 1, "not True"),
    (5, -1, "a rating's cycle is 0 (the first meeting) or a cycle number up to 999, not -1"),
])
def test_a_value_or_cycle_outside_the_scale_is_refused_in_one_line(
    workspace: Workspace, value: Any, cycle: int, words: str
) -> None:
    case = workspace.add_case("FAM-01")
    with pytest.raises(InvalidEdit) as caught:
        workspace.add_rating(case.id, cycle=cycle, value=value)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)
    assert workspace.measures.ratings(case.id) == []
    assert workspace.add_rating(case.id, cycle=0, value=0).value == 0  # both ends are points
    assert workspace.add_rating(case.id, cycle=1, value=10).value == 10


def test_unknown_measures_and_raters_are_named(workspace: Workspace) -> None:
    case = workspace.add_case("FAM-01")
    with pytest.raises(NotFound, match=r"no measure 'calm' here \(measures: 'helping-question'\)"):
        workspace.add_rating(case.id, cycle=1, value=3, measure="calm")
    with pytest.raises(InvalidEdit, match="the parent's or the practitioner's, not 'dad'"):
        workspace.add_rating(case.id, cycle=1, value=3, rated_by="dad")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no case with id 99"):
        workspace.add_rating(99, cycle=1, value=3)


def test_every_rating_is_one_undo_step_and_rating_again_replaces(workspace: Workspace) -> None:
    case = workspace.add_case("FAM-01")
    workspace.add_rating(case.id, cycle=1, value=6)
    assert workspace.undo_name == "Add Rating"
    again = workspace.add_rating(case.id, cycle=1, value=7)  # the parent changed their mind
    assert workspace.undo_name == "Change Rating"
    assert [(r.id, r.value) for r in workspace.measures.ratings(case.id)] == [(again.id, 7)]
    workspace.undo()
    assert [r.value for r in workspace.measures.ratings(case.id)] == [6]
    workspace.undo()
    assert workspace.measures.ratings(case.id) == []
    workspace.redo()
    workspace.redo()
    assert [r.value for r in workspace.measures.ratings(case.id)] == [7]
    workspace.measures.delete_rating(again.id)
    assert workspace.undo_name == "Delete Rating"
    workspace.undo()
    assert workspace.measures.rating(again.id).value == 7  # ids included


def test_the_parent_and_the_practitioner_each_have_their_own_rating(
    workspace: Workspace,
) -> None:
    case = workspace.add_case("FAM-01")
    workspace.add_rating(case.id, cycle=2, value=8)
    mine = workspace.add_rating(case.id, cycle=2, value=6, rated_by="practitioner",
                                note="after a hard week")
    assert [(r.rated_by, r.value) for r in workspace.measures.ratings(case.id)] == [
        ("parent", 8), ("practitioner", 6)]
    (family,) = workspace.measures.scales(case.id, family=True)
    assert [(r.rated_by, r.value, r.note) for r in family.ratings] == [("parent", 8, "")]
    updated = workspace.measures.update_rating(mine.id, note="  calmer  ")
    assert updated.note == "calmer"


def test_ratings_are_refused_in_a_read_only_workspace(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-01")
    with Workspace.open(tmp_path / "ws", read_only=True) as ws, \
            pytest.raises(ReadOnlyWorkspace):
        ws.add_rating(case.id, cycle=0, value=3)


# -- the service's measures ----------------------------------------------------------------


def test_a_service_measures_file_is_kept_in_the_workspace(tmp_path: Path) -> None:
    path = service_file(tmp_path, CALM, ENJOY)
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-01")
        kept = ws.measures.use_measures_file(path)
        assert kept.name == "Our service"
        assert [m.id for m in ws.measures.measures()] == [HELPING_QUESTION, CALM["id"],
                                                          ENJOY["id"]]
        ws.add_rating(case.id, cycle=0, value=2, measure="calm-at-bath-time")
        with pytest.raises(InvalidEdit, match="from 1 to 5, not 0"):
            ws.add_rating(case.id, cycle=1, value=0, measure="calm-at-bath-time")
        assert "measures" in ws.privacy.audit_log()[-1].action
    path.unlink()  # the workspace is self-contained: its copy does not need the file
    with Workspace.open(tmp_path / "ws", read_only=True) as ws:
        calm = ws.measures.measure("calm-at-bath-time")
        assert (calm.min, calm.max, calm.max_label, calm.when) == (1, 5, "Very calm",
                                                                  ("start", "end"))
        assert ws.measures.measure("enjoy-play").for_practitioner == "Parent's enjoyment of play"


def test_a_new_file_that_would_change_what_a_rating_meant_is_refused(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-01")
        ws.measures.use_measures_file(service_file(tmp_path, CALM, ENJOY))
        ws.add_rating(case.id, cycle=1, value=9, measure="enjoy-play")
        narrower = {**ENJOY, "max": 5}
        with pytest.raises(MeasuresError, match="rating of 9 on 'Enjoying play', outside its "
                                                "new range 0 to 5"):
            ws.measures.use_measures_file(service_file(tmp_path, CALM, narrower, name="n.json"))
        with pytest.raises(MeasuresError, match="has ratings on 'enjoy-play': keep that"):
            ws.measures.use_measures_file(service_file(tmp_path, CALM, name="m.json"))
        assert ws.measures.measure("enjoy-play").max == 10  # nothing changed
        ws.measures.use_measures_file(service_file(tmp_path, ENJOY, name="e.json"))
        assert [m.id for m in ws.measures.measures()] == [HELPING_QUESTION, "enjoy-play"]


def _bad(**changes: Any) -> dict[str, Any]:
    return {"measures": [{**CALM, **changes}]}


@pytest.mark.parametrize(("content", "words"), [
    (b"{", "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
    (b'{"measures": [], "measures": []}', 'the name "measures" appears twice'),
    (b'{"measures": [{"min": NaN}]}', "NaN is not allowed in JSON"),
    (b"\xff\xfe{}", "is not UTF-8 text (byte 0 cannot be read)"),
    ({"measures": []}, "at measures, [] should be non-empty"),
    ({"measure": [CALM]}, "'measures' is a required property"),
    (_bad(colour="#fff"), "at measures[0], Additional properties are not allowed ('colour'"),
    (_bad(min="1"), "at measures[0].min, expected a whole number, found a string"),
    (_bad(min=5, max=5), "at measures[0].max, the highest point (5) must be above the lowest"),
    (_bad(min=0, max=20), "0 to 20 is 21 points; a scale has at most 11"),
    (_bad(id="Calm Bath"), "at measures[0].id, 'Calm Bath' does not match"),
    (_bad(id=HELPING_QUESTION), "'helping-question' is the built-in helping-question scale"),
    (_bad(family_wording="  "), "at measures[0].family_wording, it is empty"),
    (_bad(when=["sometimes"]), "at measures[0].when[0], 'sometimes' is not one of"),
    (_bad(when=[]), "at measures[0].when, [] should be non-empty"),
    ({"measures": [CALM, CALM]}, "at measures[1].id, id 'calm-at-bath-time' is used twice"),
])
def test_a_bad_measures_file_is_refused_in_one_line(
    tmp_path: Path, content: bytes | dict[str, Any], words: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    with pytest.raises(MeasuresError) as caught:
        load_measures(path)
    message = str(caught.value)
    assert message.startswith("measures file bad.json ")
    assert words in message
    assert "\n" not in message


def test_only_a_small_regular_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(MeasuresError, match="was not found"):
        load_measures(tmp_path / "none.json")
    with pytest.raises(MeasuresError, match="is a folder, not a file"):
        load_measures(tmp_path)
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    with pytest.raises(MeasuresError, match="not a regular file"):  # never waits on a pipe
        load_measures(pipe)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (MAX_MEASURES_BYTES + 1))
    with pytest.raises(MeasuresError, match="too big to be a measures file"):
        load_measures(big)


def test_a_refused_file_leaves_the_workspace_as_it_was(tmp_path: Path) -> None:
    good = service_file(tmp_path, ENJOY)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_bad(max=99)), encoding="utf-8")
    with Workspace.open(tmp_path / "ws") as ws:
        ws.measures.use_measures_file(good)
        with pytest.raises(MeasuresError):
            ws.measures.use_measures_file(bad)
        assert [m.id for m in ws.measures.measures()] == [HELPING_QUESTION, "enjoy-play"]


def test_the_schema_ships_and_describes_the_built_in_measure() -> None:
    schema = json.loads(schema_file("measures.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    as_service = {**BUILTIN_MEASURE.to_dict(), "id": "confidence"}
    Draft202012Validator(schema).validate({"measures": [as_service, CALM, ENJOY]})
    assert BUILTIN_MEASURE.values == range(11)
    assert BUILTIN_MEASURE.when == ("start", "each-cycle", "end")


def test_the_built_in_words_are_in_the_translation_catalogue() -> None:
    ids = {m.msgid for m in extract()}
    for words in (BUILTIN_MEASURE.name, BUILTIN_MEASURE.family_wording,
                  BUILTIN_MEASURE.practitioner_wording, BUILTIN_MEASURE.min_label,
                  BUILTIN_MEASURE.max_label):
        assert words in ids
