"""``vigtool agreement`` in a child process, on ELAN files written by vigtool's own
export (a real workspace, a real clip) and on hand-written EAF text.

The second coder's file is the first one copied and edited the way a second
coder's work differs: one moment later, one code changed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from sample_clips.kinds import VideoTruth
from tests.core.test_cli_errors import assert_one_error_line, run_cli
from vigtool.domain.clock import player_time
from vigtool.exports.eaf import write_eaf
from vigtool.exports.session import build_session
from vigtool.workspace import Workspace

BA, RI, GU, EI, DD = ("Being attentive", "Receiving initiatives", "Guiding",
                      "Encouraging initiatives", "Deepening discussion")


@pytest.fixture(scope="module")
def coders(tmp_path_factory: pytest.TempPathFactory,
           small_video: VideoTruth) -> tuple[Path, Path, dict[str, tuple[int, int]]]:
    """(first coder's EAF from vigtool's export, the second coder's edited copy,
    each moment's (start_ms, end_ms) as exported)."""
    folder = tmp_path_factory.mktemp("agreement")
    with Workspace.open(folder / "ws") as ws:
        case = ws.add_case("FAM-11")
        ws.add_consent(case.id, kind="filming", given=True)
        rec = ws.import_recording(case.id, path=small_video.path)
        plan = {"m1": (0, 14, ["being-attentive"]),
                "m4": (5, 12, ["encouraging-initiatives"]),  # overlaps m1: tier "Moments 2"
                "m2": (20, 35, ["guiding", "receiving-initiatives"]),
                "m3": (40, 55, ["being-attentive"])}
        for title, (start, end, codes) in plan.items():
            ws.add_moment(rec.id, start_frame=start, end_frame=end, codes=codes, title=title)
        times = ws.library.frame_times(rec.id)
        spans = {title: times.span_ms(start, end) for title, (start, end, _) in plan.items()}
        first = write_eaf(build_session(ws, case.id), rec.id, folder / "first.eaf")
    second = folder / "second.eaf"
    shutil.copyfile(first, second)
    tree = etree.parse(str(second))
    slots = {s.get("TIME_SLOT_ID"): s for s in tree.iter("TIME_SLOT")}
    for ann in tree.iter("ALIGNABLE_ANNOTATION"):
        if ann.findtext("ANNOTATION_VALUE") == "m3":  # 200 ms later: past a 100 ms tolerance
            for ref in ("TIME_SLOT_REF1", "TIME_SLOT_REF2"):
                slot = slots[ann.get(ref)]
                slot.set("TIME_VALUE", str(int(slot.get("TIME_VALUE", "0")) + 200))
    for value in tree.iter("ANNOTATION_VALUE"):
        if value.text == GU:  # m2: Deepening discussion, not Guiding
            value.text = DD
    tree.write(str(second), xml_declaration=True, encoding="UTF-8")
    return first, second, spans


def test_two_coders_exported_by_vigtool(
    coders: tuple[Path, Path, dict[str, tuple[int, int]]], tmp_path: Path
) -> None:
    first, second, spans = coders
    run = run_cli(["agreement", first, second, "--tolerance-ms", "100", "--json"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    assert set(data) == {"event", "time", "per_code", "disagreements", "explanations",
                         "matched", "first_count", "second_count"}
    assert set(data["event"]) == {"precision", "recall", "f1", "kappa"}
    assert set(data["time"]) == {"kappa", "agreement"}
    # Four moments each (m4 from the "Moments 2" tier too); m3 moved 200 ms: 3 match.
    assert (data["matched"], data["first_count"], data["second_count"]) == (3, 4, 4)
    assert data["event"]["precision"] == data["event"]["recall"] == 0.75
    # Pairs' labels: BA/BA, EI/EI, "Guiding + RI"/"Deepening discussion + RI": agreed 2
    # of 3; S = 1 (BA) + 1 (EI) = 2; kappa = (2 x 3 - 2) / (9 - 2) = 4/7.
    assert data["event"]["kappa"] == pytest.approx(4 / 7)
    # Per code, a moment's codes count one by one: Receiving initiatives agrees.
    assert set(data["per_code"]) == {BA, RI, GU, EI, DD}
    assert data["per_code"][RI]["event"]["f1"] == 1.0
    assert data["per_code"][GU]["event"]["precision"] is None  # the second never used it
    assert set(data["per_code"][GU]) == {"event", "time"}
    m2, m3 = spans["m2"], spans["m3"]
    assert data["disagreements"] == [
        {"start_ms": m2[0], "end_ms": m2[1], "first": f"{GU} + {RI}", "second": f"{DD} + {RI}"},
        {"start_ms": m3[0], "end_ms": m3[1], "first": BA, "second": None},
        {"start_ms": m3[0] + 200, "end_ms": m3[1] + 200, "first": None, "second": BA},
    ]
    assert "(recall 0.75)" in data["explanations"]["event"]["recall"]


def test_the_plain_report_gives_each_figure_its_sentence(
    coders: tuple[Path, Path, dict[str, tuple[int, int]]], tmp_path: Path
) -> None:
    first, second, spans = coders
    run = run_cli(["agreement", first, second, "--tolerance-ms", "100"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    out = run.stdout
    assert "tier 'Moments': 4 annotations" in out
    assert "Overall" in out
    assert "Per code" in out
    assert "  Moments recall       0.75\n" in out
    assert "Of the 4 moments the first coder tagged, the second found 3 within 100" in out
    assert "  Moments kappa        0.57\n" in out
    assert "Disagreements (3)" in out
    start, end = spans["m3"]  # frames 40-55 of a 30 fps clip
    assert f"  {player_time(start)}-{player_time(end)}    first:  {BA}\n" in out
    assert player_time(start).startswith("0:01.3")
    assert "second: (nothing there)" in out


def test_a_vigtool_file_against_itself_agrees_completely(
    coders: tuple[Path, Path, dict[str, tuple[int, int]]], tmp_path: Path
) -> None:
    first, _, _ = coders
    data = json.loads(run_cli(["agreement", first, first, "--json"], cwd=tmp_path).stdout)
    assert data["event"]["f1"] == 1.0
    assert data["event"]["kappa"] == 1.0
    assert data["time"]["agreement"] == 1.0
    assert data["disagreements"] == []


def _eaf(tiers: str) -> str:
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{ms}"/>' for i, ms in
                    enumerate((0, 1000, 2000, 3000, 3400, 4300, 5000, 6000), start=1))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" VERSION="3.0">'
            f'<HEADER TIME_UNITS="milliseconds"/><TIME_ORDER>{slots}</TIME_ORDER>'
            f"{tiers}</ANNOTATION_DOCUMENT>")


def _tier(tier_id: str, *annotations: tuple[str, int, int, str]) -> str:
    body = "".join(
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{ann_id}" TIME_SLOT_REF1="ts{a}" '
        f'TIME_SLOT_REF2="ts{b}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
        "</ALIGNABLE_ANNOTATION></ANNOTATION>" for ann_id, a, b, value in annotations)
    return f'<TIER TIER_ID="{tier_id}" LINGUISTIC_TYPE_REF="default">{body}</TIER>'


@pytest.fixture
def two_tiers(tmp_path: Path) -> Path:
    """One file, two researchers' tiers, as ELAN users keep them."""
    path = tmp_path / "coded.eaf"
    path.write_text(_eaf(
        _tier("Ana", ("a1", 1, 2, "look"), ("a2", 3, 6, "smile"), ("a3", 7, 8, "look"))
        + _tier("Ben", ("b1", 1, 2, "look"), ("b2", 5, 6, "smile"), ("b3", 7, 8, ""))
        + _tier("Notes")), encoding="utf-8")
    return path


def test_hand_written_eaf_with_two_tiers(two_tiers: Path, tmp_path: Path) -> None:
    run = run_cli(["agreement", two_tiers, two_tiers, "--tier-a", "Ana", "--tier-b", "Ben",
                   "--json"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    data = json.loads(run.stdout)
    # Ana 0-1000 look, 2000-4300 smile, 5000-6000 look; Ben 0-1000 look,
    # 3400-4300 smile (starts 1400 later: no match), 5000-6000 with no value.
    assert (data["matched"], data["first_count"], data["second_count"]) == (2, 3, 3)
    # pairs (look, look), (look, "(no code)"): agreed 1; Ana look 2, Ben look 1,
    # "(no code)" 1: S = 2 x 1 = 2; kappa = (1 x 2 - 2) / (4 - 2) = 0
    assert data["event"]["kappa"] == 0.0
    assert set(data["per_code"]) == {"look", "smile", "(no code)"}
    assert data["disagreements"][0] == {"start_ms": 2000, "end_ms": 4300, "first": "smile",
                                        "second": None}


def test_a_tier_named_once_is_used_for_both_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.eaf", tmp_path / "b.eaf"
    first.write_text(_eaf(_tier("Codes", ("a1", 1, 2, "look")) + _tier("Other", ("a2", 3, 4,
                                                                                  "x"))))
    second.write_text(_eaf(_tier("Codes", ("b1", 1, 2, "look")) + _tier("Mine", ("b2", 3, 4,
                                                                                 "y"))))
    data = json.loads(run_cli(["agreement", first, second, "--tier-a", "Codes", "--json"],
                              cwd=tmp_path).stdout)
    assert data["event"]["f1"] == 1.0


@pytest.mark.parametrize(("args", "mentions"), [
    (["missing.eaf", "coded.eaf"], ["missing.eaf", "not found"]),
    (["coded.eaf", "coded.eaf"], ["several tiers", "'Ana', 'Ben'", "--tier-a"]),
    (["coded.eaf", "other.eaf", "--tier-a", "Ana"], ["other.eaf has several tiers", "'X', 'Y'",
                                                      "--tier-b"]),
    (["coded.eaf", "coded.eaf", "--tier-a", "Ana", "--tier-b", "Eve"],
     ["no tier 'Eve'", "'Ana', 'Ben', 'Notes'"]),
    (["coded.eaf", "notes.txt", "--tier-a", "Ana"], ["notes.txt is not an ELAN file"]),
    (["coded.eaf", "coded.eaf", "--tolerance-ms", "-5"], ["tolerance", "from 0"]),
    (["coded.eaf", "coded.eaf", "--tolerance-ms", "half"], ["tolerance", "'half'"]),
    (["coded.eaf", "coded.eaf", "--frame-ms", "0"], ["sampling step"]),
])
def test_bad_input_is_one_line_and_exit_2(
    two_tiers: Path, tmp_path: Path, args: list[str], mentions: list[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not xml at all", encoding="utf-8")
    (tmp_path / "other.eaf").write_text(
        _eaf(_tier("X", ("x1", 1, 2, "look")) + _tier("Y", ("y1", 1, 2, "look"))))
    assert two_tiers.parent == tmp_path
    assert_one_error_line(run_cli(["agreement", *args], cwd=tmp_path), *mentions)


def test_a_file_with_no_annotations_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "empty.eaf"
    empty.write_text(_eaf(_tier("Codes")), encoding="utf-8")
    assert_one_error_line(run_cli(["agreement", empty, empty], cwd=tmp_path),
                          "empty.eaf has no annotations")


def test_annotations_without_a_usable_time_are_left_out_and_counted(tmp_path: Path) -> None:
    coded = tmp_path / "coded.eaf"
    # b2 runs from ts4 (3000 ms) back to ts3 (2000 ms): it ends before it starts.
    coded.write_text(_eaf(_tier("A", ("a1", 1, 2, "look"), ("a2", 3, 4, "smile"))
                          + _tier("B", ("b1", 1, 2, "look"), ("b2", 4, 3, "smile"))))
    run = run_cli(["agreement", coded, coded, "--tier-a", "A", "--tier-b", "B"], cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert "tier 'A': 2 annotations\n" in run.stdout
    assert "tier 'B': 1 annotation (1 left out: no usable time)\n" in run.stdout
