"""Data exchange: CSV, JSON, ELAN (EAF) and WebVTT exports (ELAN import: test_eaf_import.py).

Real workspaces in temp folders with the committed sample clips (dyad.mp4 at
25 fps with its ground-truth chains, vfr.mp4 with phone-like variable frame
rate) and the real ELAN sample file; files are checked with the csv module,
jsonschema and lxml's XSD validator against the official EAF 3.0 schema.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree

from vigtool.codebook import DEFAULT_CODEBOOK_ID, builtin_codebook
from vigtool.domain.clock import exact_timecode as timecode
from vigtool.errors import Cancelled, InvalidEdit, VigtoolError
from vigtool.exports.eaf import MOMENTS_TIER, TURN_KINDS_CV, write_eaf
from vigtool.exports.eaf_import import import_eaf
from vigtool.exports.session import SessionExport, build_session
from vigtool.exports.subtitles import CueText, write_webvtt
from vigtool.exports.tabular import CSV_COLUMNS, validate_session_data, write_csv, write_json
from vigtool.jobs import CancelToken
from vigtool.privacy.files import TEMP_PREFIX
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
CLIPS = ROOT / "sample_clips"
DYAD = CLIPS / "demo" / "dyad.mp4"
VFR = CLIPS / "vfr.mp4"
SCHEMAS = ROOT / "schemas"
ELAN_SAMPLE = ROOT / "tests" / "data" / "elan" / "sample_3.0.eaf"  # the official ELAN sample
CODEBOOK = builtin_codebook(DEFAULT_CODEBOOK_ID)
CHAIN_CODES = {
    1: ("being-attentive", "receiving-initiatives", "guiding"),
    2: ("encouraging-initiatives",),
    3: ("developing-attuned-interactions", "from-another-codebook"),
    4: (),
}


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, int, int]]:
    """The dyad clip tagged like a practitioner would: the truth chains as moments,
    their turns, one overlapping moment, one on the last frame, a still, a
    reflection and a goal. Tests only read it."""
    ws = Workspace.open(tmp_path_factory.mktemp("tagged") / "ws")
    case = ws.add_case("FAM-07", helping_question="How do I keep our play going?")
    ws.add_consent(case.id, kind="filming", given=True)
    rec = ws.import_recording(case.id, path=DYAD)
    truth = json.loads((CLIPS / "demo" / "dyad.truth.json").read_text(encoding="utf-8"))
    for order, chain in enumerate(truth["chains"], start=1):
        ws.add_moment(
            rec.id,
            start_frame=chain["start_frame"],
            end_frame=chain["end_frame"],
            codes=CHAIN_CODES[chain["id"]],
            title=f"Back-and-forth {order}",
            note="Mum looked tired today" if order == 1 else "",
            strengths="You waited <and> he answered & smiled" if order < 3 else "",
            prompt="What do you notice?",
            selected_for_review=order <= 2,
            review_order=order if order <= 2 else None,
        )
    ws.add_moment(rec.id, start_frame=30, end_frame=40, codes=["guiding"], title="=1+1 looks")
    ws.add_moment(rec.id, start_frame=499, end_frame=499, title="")
    for turn in truth["turns"]:
        ws.add_turn(rec.id, frame=turn["start_frame"], actor=turn["actor"], kind=turn["kind"])
    ws.add_still(rec.id, frame=100, caption="His smile")
    ws.add_reflection(case.id, cycle=1, text="He was waiting for me", moment_id=1)
    ws.add_goal(case.id, cycle=1, text="Wait a little longer")
    yield ws, case.id, rec.id
    ws.close()


@pytest.fixture
def session(tagged: tuple[Workspace, int, int]) -> SessionExport:
    ws, case_id, _ = tagged
    return build_session(ws, case_id)


def _fresh(tmp_path: Path, clip: Path = DYAD, name: str = "other") -> tuple[Workspace, int, int]:
    ws = Workspace.open(tmp_path / name)
    case = ws.add_case("FAM-99")
    ws.add_consent(case.id, kind="filming", given=True)
    return ws, case.id, ws.import_recording(case.id, path=clip).id


def _shape(ws: Workspace, rec_id: int) -> tuple[list[object], list[object]]:
    moments = sorted(
        (m.start_frame, m.end_frame, frozenset(m.codes), m.title) for m in ws.moments(rec_id)
    )
    turns = sorted((t.frame, t.actor.value, t.kind.value) for t in ws.annotations.turns(rec_id))
    return list(moments), list(turns)


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]


# -- the snapshot ---------------------------------------------------------------------


def test_snapshot_has_frames_and_ms_from_the_frame_index(
    tagged: tuple[Workspace, int, int], session: SessionExport
) -> None:
    ws, _, rec_id = tagged
    times = ws.library.frame_times(rec_id)
    assert session.vigtool_version
    assert session.codebook.id == DEFAULT_CODEBOOK_ID
    assert session.case.code == "FAM-07"
    assert [c.number for c in session.cycles] == [1]
    (recording,) = session.recordings
    assert (recording.original_name, recording.frame_count, recording.fps) == ("dyad.mp4", 500, 25)
    assert len(recording.sha256) == 64
    assert len(session.moments) == 6
    for moment in session.moments:
        assert (moment.start_ms, moment.end_ms) == times.span_ms(
            moment.start_frame, moment.end_frame
        )
    first = session.moments[0]
    assert (first.start_frame, first.end_frame, first.start_ms, first.end_ms) == (
        25, 186, 1000, 7480
    )
    assert first.frame_count == 162
    assert [(c.id, c.label, c.group) for c in first.codes] == [
        ("being-attentive", "Being attentive", "attuned"),
        ("receiving-initiatives", "Receiving initiatives", "attuned"),
        ("guiding", "Guiding", "guidance"),
    ]
    last = session.moments[-1]
    assert (last.start_ms, last.end_ms, last.duration_ms) == (19960, 20000, 40)
    unknown = next(m for m in session.moments if "from-another-codebook" in m.code_ids)
    assert unknown.codes[-1].label == "from-another-codebook"
    assert unknown.codes[-1].group is None
    assert len(session.turns) == 22
    assert (session.turns[0].start_ms, session.turns[0].end_ms) == (1000, 1040)
    assert [s.ms for s in session.stills] == [4000]
    assert [r.moment_id for r in session.reflections] == [1]
    assert [g.text for g in session.goals] == ["Wait a little longer"]


def test_a_cycle_the_case_does_not_have_is_refused(tagged: tuple[Workspace, int, int]) -> None:
    ws, case_id, _ = tagged
    assert build_session(ws, case_id, cycle=1).cycle == 1
    with pytest.raises(InvalidEdit, match="no cycle 3"):
        build_session(ws, case_id, cycle=3)


# -- CSV and JSON ---------------------------------------------------------------------


def test_csv_has_one_row_per_moment_with_its_times_codes_and_words(
    session: SessionExport, tmp_path: Path
) -> None:
    out = write_csv(session, tmp_path / "exports" / "moments.csv")
    assert out == tmp_path / "exports" / "moments.csv"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the byte-order mark to read UTF-8"
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 6
    first = rows[0]
    assert first == {
        "case": "FAM-07",
        "cycle": "1",
        "recording": "dyad.mp4",
        "recording_id": str(session.recordings[0].id),
        "moment_id": "1",
        "start_frame": "25",
        "end_frame": "186",
        "frames": "162",
        "start_ms": "1000",
        "end_ms": "7480",
        "duration_ms": "6480",
        "start_time": "00:00:01.000",
        "end_time": "00:00:07.480",
        "codes": "being-attentive;receiving-initiatives;guiding",
        "code_labels": "Being attentive; Receiving initiatives; Guiding",
        "title": "Back-and-forth 1",
        "note": "Mum looked tired today",
        "strengths": "You waited <and> he answered & smiled",
        "prompt": "What do you notice?",
        "selected_for_review": "yes",
        "review_order": "1",
    }
    assert [r["moment_id"] for r in rows] == ["1", "5", "2", "3", "4", "6"]
    overlapping = rows[1]
    assert overlapping["title"] == "'=1+1 looks", "a formula-like title is kept as text"
    assert (overlapping["selected_for_review"], overlapping["review_order"]) == ("no", "")
    assert rows[-1]["frames"] == "1"
    assert rows[-1]["duration_ms"] == "40"


def test_json_export_matches_the_schema(session: SessionExport, tmp_path: Path) -> None:
    out = write_json(session, tmp_path / "session.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "session-export.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(data)
    assert data["format"] == "vigtool-session-export"
    assert data["codebook"]["id"] == DEFAULT_CODEBOOK_ID
    assert data["moments"][0]["codes"][0] == {
        "id": "being-attentive", "label": "Being attentive", "group": "attuned"
    }
    assert data["moments"][0]["note"] == "Mum looked tired today"
    assert len(data["turns"]) == 22


def test_the_schema_is_closed_and_errors_are_one_line(session: SessionExport) -> None:
    data = session.to_dict()
    data["moments"][0]["surprise"] = 1
    with pytest.raises(VigtoolError) as caught:
        validate_session_data(data)
    assert "moments[0]" in str(caught.value)
    assert "\n" not in str(caught.value)
    data = session.to_dict()
    data["turns"][0]["actor"] = "dog"
    with pytest.raises(VigtoolError, match=r"turns\[0\]\.actor"):
        validate_session_data(data)


# -- ELAN export ------------------------------------------------------------------------


def _xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "EAFv3.0.xsd")))


def test_eaf_export_is_valid_eaf_3_0_with_tiers_vocabularies_and_media(
    tagged: tuple[Workspace, int, int], session: SessionExport, tmp_path: Path
) -> None:
    ws, _, rec_id = tagged
    media = ws.library.media_path(ws.library.recording(rec_id))
    out = write_eaf(session, rec_id, tmp_path / "elan" / "dyad.eaf", media_path=media)
    document = etree.parse(str(out))
    schema = _xsd()
    assert schema.validate(document), schema.error_log
    root = document.getroot()

    descriptor = root.find("HEADER/MEDIA_DESCRIPTOR")
    assert descriptor is not None
    assert descriptor.get("MIME_TYPE") == "video/mp4"
    # The film by its file name only, next to the EAF: never the laptop's folders.
    assert descriptor.get("MEDIA_URL") == descriptor.get("RELATIVE_MEDIA_URL") == (
        f"./{media.name}")
    assert str(media.parent).encode() not in out.read_bytes()

    tiers = {t.get("TIER_ID"): t for t in root.iter("TIER")}
    assert list(tiers) == [
        "Moments", "Attuned interactions", "Guidance", "Other codes",
        "Moments 2", "Attuned interactions 2", "Guidance 2", "Other codes 2",
        "Child", "Adult",
    ]
    slots = {s.get("TIME_SLOT_ID"): int(s.get("TIME_VALUE", "-1")) for s in root.iter("TIME_SLOT")}
    assert list(slots.values()) == sorted(slots.values())
    moments = [
        (slots[a.get("TIME_SLOT_REF1", "")], slots[a.get("TIME_SLOT_REF2", "")],
         a.findtext("ANNOTATION_VALUE"))
        for a in tiers[MOMENTS_TIER].iter("ALIGNABLE_ANNOTATION")
    ]
    assert moments[0] == (1000, 7480, "Back-and-forth 1")
    assert moments[-1] == (19960, 20000, "")
    assert [a.findtext("ANNOTATION_VALUE") for a in tiers["Moments 2"].iter("ALIGNABLE_ANNOTATION")
            ] == ["=1+1 looks"]
    attuned = [
        (r.get("ANNOTATION_REF"), r.get("CVE_REF"), r.findtext("ANNOTATION_VALUE"),
         r.get("PREVIOUS_ANNOTATION") is not None)
        for r in tiers["Attuned interactions"].iter("REF_ANNOTATION")
    ]
    first_id = tiers[MOMENTS_TIER].findall("ANNOTATION/ALIGNABLE_ANNOTATION")[0].get(
        "ANNOTATION_ID"
    )
    assert attuned[:2] == [
        (first_id, "being-attentive", "Being attentive", False),
        (first_id, "receiving-initiatives", "Receiving initiatives", True),
    ]
    assert [r.findtext("ANNOTATION_VALUE") for r in tiers["Other codes"].iter("REF_ANNOTATION")
            ] == ["from-another-codebook"]
    child = [
        (slots[a.get("TIME_SLOT_REF2", "")] - slots[a.get("TIME_SLOT_REF1", "")],
         a.findtext("ANNOTATION_VALUE"))
        for a in tiers["Child"].iter("ALIGNABLE_ANNOTATION")
    ]
    assert child[0] == (40, "initiative"), "a turn lasts one frame"

    types = {t.get("LINGUISTIC_TYPE_ID"): t for t in root.iter("LINGUISTIC_TYPE")}
    attuned_type = types[tiers["Attuned interactions"].get("LINGUISTIC_TYPE_REF", "")]
    assert attuned_type.get("CONSTRAINTS") == "Symbolic_Subdivision"
    cv_id = attuned_type.get("CONTROLLED_VOCABULARY_REF")
    cvs = {cv.get("CV_ID"): cv for cv in root.iter("CONTROLLED_VOCABULARY")}
    entries = {
        e.get("CVE_ID"): (e.findtext("CVE_VALUE"), e.findall("CVE_VALUE")[0].get("DESCRIPTION"))
        for e in cvs[cv_id].iter("CV_ENTRY_ML")
    }
    code = CODEBOOK.code("being-attentive")
    assert entries["being-attentive"] == (code.label, code.description)
    assert set(entries) == {c.id for c in CODEBOOK.codes_in_group("attuned")}
    assert types[tiers["Child"].get("LINGUISTIC_TYPE_REF", "")].get(
        "CONTROLLED_VOCABULARY_REF") == TURN_KINDS_CV


def test_eaf_round_trips_frames_codes_titles_and_turns(
    tagged: tuple[Workspace, int, int], session: SessionExport, tmp_path: Path
) -> None:
    ws, _, rec_id = tagged
    out = write_eaf(session, rec_id, tmp_path / "dyad.eaf", media_path=ws.library.media_path(
        ws.library.recording(rec_id)))
    other, case_id, other_rec = _fresh(tmp_path)
    with other:
        report = import_eaf(other, out, case_id, other_rec, CODEBOOK)
        assert (len(report.moments), len(report.turns)) == (6, 22)
        assert report.uncoded == report.skipped == report.clamped == ()
        assert report.notes == ()
        assert _shape(other, other_rec) == _shape(ws, rec_id)

        again = import_eaf(other, out, case_id, other_rec, CODEBOOK)
        assert (again.moments, again.turns, again.already_present) == ((), (), 28)
        assert len(other.moments(other_rec)) == 6


def test_eaf_round_trip_is_frame_exact_on_variable_frame_rate(tmp_path: Path) -> None:
    source, case_id, rec_id = _fresh(tmp_path, VFR, "source")
    with source:
        times = source.library.frame_times(rec_id)
        last = times.frame_count - 1
        gaps = {times.frame_end_ms(f) - times.frame_to_ms(f) for f in range(last)}
        assert len(gaps) > 1, "the clip really has a variable frame rate"
        for start, end in [(0, 0), (1, 2), (17, 18), (40, 97), (98, 98), (150, last), (last, last)]:
            source.add_moment(rec_id, start_frame=start, end_frame=end, codes=["guiding"])
        for frame in (0, 5, 6, 60, last):
            source.add_turn(rec_id, frame=frame, actor="adult", kind="response")
        out = write_eaf(build_session(source, case_id), rec_id, tmp_path / "vfr.eaf")
        assert _xsd().validate(etree.parse(str(out)))
        target, target_case, target_rec = _fresh(tmp_path, VFR, "target")
        with target:
            import_eaf(target, out, target_case, target_rec, CODEBOOK)
            assert _shape(target, target_rec) == _shape(source, rec_id)


def test_a_recording_whose_times_are_gone_cannot_be_exported_for_elan(
    session: SessionExport, tmp_path: Path
) -> None:
    (recording,) = session.recordings
    gone = replace(session, recordings=(replace(recording, times_known=False),))
    with pytest.raises(VigtoolError, match="no times"):
        write_eaf(gone, recording.id, tmp_path / "x.eaf")
    assert not (tmp_path / "x.eaf").exists()


# -- WebVTT -----------------------------------------------------------------------------

_CUE_TIMING = re.compile(r"^\d{2,}:[0-5]\d:[0-5]\d\.\d{3} --> \d{2,}:[0-5]\d:[0-5]\d\.\d{3}$")


def test_webvtt_has_one_cue_per_moment_in_start_order(
    session: SessionExport, tmp_path: Path
) -> None:
    rec_id = session.recordings[0].id
    text = write_webvtt(session, rec_id, tmp_path / "moments.vtt").read_text(encoding="utf-8")
    assert text.startswith("WEBVTT\n\n")
    blocks = text.split("\n\n")[1:]
    assert len(blocks) == 6
    starts = []
    for block in blocks:
        identifier, timing, *payload = block.strip("\n").split("\n")
        assert identifier.startswith("moment-")
        assert _CUE_TIMING.match(timing), timing
        assert payload
        assert all(line.strip() for line in payload)
        assert all("-->" not in line for line in payload)
        starts.append(timing.split(" --> ")[0])
    assert starts == sorted(starts)
    assert blocks[0] == (
        "moment-1\n00:00:01.000 --> 00:00:07.480\nBack-and-forth 1\n"
        "You waited &lt;and&gt; he answered &amp; smiled"
    )
    assert blocks[-1].endswith("00:00:19.960 --> 00:00:20.000\nMoment\n")


def test_webvtt_text_and_selection_are_configurable(
    session: SessionExport, tmp_path: Path
) -> None:
    rec_id = session.recordings[0].id
    out = write_webvtt(session, rec_id, tmp_path / "review.vtt", text=CueText.STRENGTHS,
                       selected_only=True)
    blocks = out.read_text(encoding="utf-8").split("\n\n")[1:]
    assert [b.split("\n")[0] for b in blocks] == ["moment-1", "moment-2"]
    assert blocks[1].split("\n")[2] == "You waited &lt;and&gt; he answered &amp; smiled"
    titles = write_webvtt(session, rec_id, tmp_path / "t.vtt", text=CueText.TITLE)
    third = titles.read_text(encoding="utf-8").split("\n\n")[4]
    assert third.split("\n")[2:] == ["Back-and-forth 3"]


def test_timecodes() -> None:
    assert timecode(0) == "00:00:00.000"
    assert timecode(3_723_004) == "01:02:03.004"
    assert timecode(360_000_000) == "100:00:00.000"


# -- failures leave no file -------------------------------------------------------------


def test_a_cancelled_csv_leaves_no_file_and_keeps_the_old_one(
    session: SessionExport, tmp_path: Path
) -> None:
    out = tmp_path / "moments.csv"
    out.write_text("yesterday's export", encoding="utf-8")
    cancel = CancelToken()

    def cancel_after_two(done: int, total: int) -> None:
        if done == 2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        write_csv(session, out, progress=cancel_after_two, cancel=cancel)
    assert out.read_text(encoding="utf-8") == "yesterday's export"
    assert _leftovers(tmp_path) == []

    later = CancelToken()
    with pytest.raises(Cancelled):
        write_webvtt(session, session.recordings[0].id, tmp_path / "m.vtt",
                     progress=lambda done, total: later.cancel(), cancel=later)
    assert not (tmp_path / "m.vtt").exists()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("kind", ["csv", "json", "eaf", "vtt"])
def test_a_cancelled_or_failed_write_leaves_nothing(
    session: SessionExport, tmp_path: Path, kind: str
) -> None:
    rec_id = session.recordings[0].id
    cancelled = CancelToken()
    cancelled.cancel()
    writers = {
        "csv": lambda out, c: write_csv(session, out, cancel=c),
        "json": lambda out, c: write_json(session, out, cancel=c),
        "eaf": lambda out, c: write_eaf(session, rec_id, out, cancel=c),
        "vtt": lambda out, c: write_webvtt(session, rec_id, out, cancel=c),
    }
    with pytest.raises(Cancelled):
        writers[kind](tmp_path / f"cancelled.{kind}", cancelled)
    assert not (tmp_path / f"cancelled.{kind}").exists()

    in_the_way = tmp_path / f"folder.{kind}"
    in_the_way.mkdir()
    with pytest.raises(VigtoolError) as caught:
        writers[kind](in_the_way, CancelToken())
    assert "\n" not in str(caught.value)
    assert in_the_way.is_dir()
    assert _leftovers(tmp_path) == []

    done = writers[kind](tmp_path / f"done.{kind}", CancelToken())
    assert done.stat().st_mode & 0o077 == 0, "exports are private to their owner"
