"""ELAN import: the official ELAN sample and crafted files read back as moments and turns.

Real workspaces in temp folders with the committed dyad clip; broken, hostile
and edge-case EAF files give one line and add nothing. (Split from
test_exports_data.py, which keeps the exports.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.core.test_exports_data import CODEBOOK, ELAN_SAMPLE, _fresh
from vigtool.domain.records import Actor, TurnKind
from vigtool.domain.timebase import FrameTimes
from vigtool.errors import Cancelled, InvalidEdit, VigtoolError
from vigtool.exports.eaf_document import parse_eaf, read_eaf
from vigtool.exports.eaf_import import import_eaf
from vigtool.exports.eaf_plan import plan_import
from vigtool.jobs import CancelToken


def test_the_real_elan_sample_imports_onto_a_shorter_video(tmp_path: Path) -> None:
    """sample_3.0.eaf runs to 1199 s; the dyad clip is 20 s. Annotations that start
    after the clip are skipped and those running past its end are cut, both reported."""
    ws, case_id, rec_id = _fresh(tmp_path)
    with ws:
        report = import_eaf(ws, ELAN_SAMPLE, case_id, rec_id, CODEBOOK)
        assert report.moments
        assert report.turns == ()
        assert report.skipped
        assert all("after the end of the video" in str(i) for i in report.skipped)
        # a gesture "hold" from 19800 to 20400 ms
        assert [(i.tier, i.annotation_id, i.value) for i in report.clamped] == [
            ("gestures", "a4408", "hold")
        ]
        assert any("unaligned time slots" in note for note in report.notes)
        assert "\n" not in report.summary()
        assert len(ws.moments(rec_id)) == len(report.moments)

        sentence = next(m for m in report.moments if m.title == "The quick brown fox 001")
        assert (sentence.start_frame, sentence.end_frame) == (50, 124)  # 2000-5000 ms at 25 fps
        assert sentence.codes == ()
        assert "words-symsub: The quick brown fox 001" in sentence.note.splitlines()
        # "quick" of sentence 3 sits on unaligned slots: ELAN spaces the five words of
        # 8000-11000 ms evenly, so it runs 8600-9200 ms.
        quick = [m for m in report.moments if m.title == "quick"]
        assert (215, 229) in {(m.start_frame, m.end_frame) for m in quick}


def test_the_whole_elan_sample_is_planned_on_a_long_enough_video() -> None:
    document = read_eaf(ELAN_SAMPLE)
    assert document.unresolved_slots == 0
    assert document.interpolated_slots > 0
    assert [t.id for t in document.tiers] == [
        "text", "words-timesub", "words-symsub", "gestures", "gest_included", "words-pos"
    ]
    refs = [a for t in document.tiers for a in t.annotations if a.ref is not None]
    assert refs
    assert all(a.start_ms is not None for a in refs)
    aligned = sum(1 for t in document.tiers for a in t.annotations if a.ref is None)
    twenty_minutes = FrameTimes(tuple(i * 40 for i in range(30_000)), 1_200_000)
    plan = plan_import(document, twenty_minutes, CODEBOOK)
    assert plan.skipped == plan.clamped == ()
    assert 0 < len(plan.moments) <= aligned
    assert all(m.end_frame >= m.start_frame for m in plan.moments)


def _eaf(tiers: str, slots: str = "", units: str = "milliseconds") -> bytes:
    default_slots = "".join(
        f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{ms}"/>'
        for i, ms in enumerate((1000, 2000, 3000, 4000, 400, 440, 6000), start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2024-01-01T00:00:00+00:00" VERSION="3.0">'
        f'<HEADER TIME_UNITS="{units}"/><TIME_ORDER>{slots or default_slots}</TIME_ORDER>'
        f"{tiers}</ANNOTATION_DOCUMENT>"
    ).encode()


def _aligned(ann_id: str, ts1: int, ts2: int, value: str) -> str:
    return (
        f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{ann_id}" TIME_SLOT_REF1="ts{ts1}" '
        f'TIME_SLOT_REF2="ts{ts2}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
        "</ALIGNABLE_ANNOTATION></ANNOTATION>"
    )


def _ref(ann_id: str, parent: str, value: str) -> str:
    return (
        f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{ann_id}" ANNOTATION_REF="{parent}">'
        f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>"
    )


def _tier(tier_id: str, body: str, parent: str | None = None) -> str:
    parent_ref = f' PARENT_REF="{parent}"' if parent else ""
    return f'<TIER TIER_ID="{tier_id}" LINGUISTIC_TYPE_REF="t"{parent_ref}>{body}</TIER>'


def test_values_become_codes_by_id_or_label_and_the_rest_titles(tmp_path: Path) -> None:
    data = _eaf(
        _tier("Principles", _aligned("a1", 1, 2, "being attentive")
              + _aligned("a2", 3, 4, "GUIDING; Receiving-Initiatives")
              + _aligned("a3", 7, 7, "  ")) +
        _tier("Talk", _aligned("a4", 1, 2, "she hands him the cup")
              + _aligned("a5", 2, 3, "Giggles")) +
        _tier("Comments", _ref("a6", "a4", "lovely") + _ref("a7", "a5", "Deepening discussion"),
              parent="Talk") +
        _tier("Child", _aligned("a8", 5, 6, "Initiative") + _aligned("a9", 3, 4, "mama!")) +
        _tier("ADULT 2", _aligned("a10", 2, 3, "response"))
    )
    path = tmp_path / "coded.eaf"
    path.write_bytes(data)
    ws, case_id, rec_id = _fresh(tmp_path)
    with ws:
        report = import_eaf(ws, path, case_id, rec_id, CODEBOOK)
        moments = {(m.start_frame, m.end_frame): m for m in ws.moments(rec_id)}
        # a1 (Principles) and a4 (Talk) cover the same frames: one moment.
        merged = moments[(25, 49)]
        assert merged.codes == ("being-attentive",)
        assert merged.title == "she hands him the cup"
        assert merged.note == "Comments: lovely"
        assert moments[(75, 99)].codes == ("guiding", "receiving-initiatives")
        assert moments[(75, 99)].title == "mama!"
        assert moments[(50, 74)].codes == ("deepening-discussion",)
        assert moments[(50, 74)].title == "Giggles"
        assert moments[(150, 150)].title == ""  # an empty annotation: a moment to look at
        turns = [(t.frame, t.actor, t.kind) for t in ws.annotations.turns(rec_id)]
        assert turns == [(10, Actor.CHILD, TurnKind.INITIATIVE),
                         (50, Actor.ADULT, TurnKind.RESPONSE)]
        assert sorted(i.value for i in report.uncoded) == ["Giggles", "mama!",
                                                           "she hands him the cup"]
        assert "not a turn kind" in next(str(i) for i in report.uncoded if i.value == "mama!")


def test_import_is_checked_before_anything_is_added(tmp_path: Path) -> None:
    path = tmp_path / "dangling.eaf"
    path.write_bytes(_eaf(_tier("A", _aligned("a1", 1, 2, "guiding")) +
                          _tier("B", _ref("a2", "a99", "x"), parent="A")))
    ws, case_id, rec_id = _fresh(tmp_path)
    with ws:
        with pytest.raises(VigtoolError, match="a99"):
            import_eaf(ws, path, case_id, rec_id, CODEBOOK)
        assert ws.moments(rec_id) == []
        good = tmp_path / "good.eaf"
        good.write_bytes(_eaf(_tier("A", _aligned("a1", 1, 2, "guiding"))))
        cancel = CancelToken()
        cancel.cancel()
        with pytest.raises(Cancelled):
            import_eaf(ws, good, case_id, rec_id, CODEBOOK, cancel=cancel)
        assert ws.moments(rec_id) == []
        with pytest.raises(InvalidEdit, match="does not belong"):
            import_eaf(ws, good, case_id + 1, rec_id, CODEBOOK)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not well-formed XML"),
        (b"this is not xml", "not well-formed XML"),
        (b"<ANNOTATION_DOCUMENT><HEADER>", "not well-formed XML"),
        (b'<?xml version="1.0"?><CV_RESOURCE/>', "starts with <CV_RESOURCE>"),
        (b"<html><body>hi</body></html>", "starts with <html>"),
        (b"<ANNOTATION_DOCUMENT><HEADER/></ANNOTATION_DOCUMENT>", "no TIME_ORDER"),
        (_eaf(_tier("A", _aligned("a1", 1, 9, "x"))), "time slot ts9"),
        (_eaf(_tier("A", _aligned("a1", 1, 2, "x")),
              slots='<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="soon"/>'
                    '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="5"/>'), "'soon'"),
        (_eaf("", units="PAL-frames"), "PAL-frames"),
        (_eaf(_tier("A", _ref("a1", "a1", "x"))), "loop"),
        (_eaf(_tier("A", "") + _tier("A", "")), "two tiers"),
        (b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>', "starts with <d>"),
    ],
)
def test_a_broken_elan_file_gives_one_line(data: bytes, message: str) -> None:
    with pytest.raises(VigtoolError) as caught:
        parse_eaf(data, "broken.eaf")
    text = str(caught.value)
    assert message in text
    assert "broken.eaf" in text
    assert "\n" not in text


def test_an_elan_file_with_entities_is_refused_unread() -> None:
    data = _eaf(_tier("A", _aligned("a1", 1, 2, "x&secret;y&c;z"))).replace(
        b"<ANNOTATION_DOCUMENT",
        b'<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY secret SYSTEM "file:///etc/passwd">'
        b'<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><ANNOTATION_DOCUMENT',
        1,
    )
    with pytest.raises(VigtoolError, match="DTD") as caught:
        parse_eaf(data, "entities.eaf")
    assert "root:" not in str(caught.value)
    assert len(str(caught.value)) < 300


def test_a_missing_elan_file_gives_one_line(tmp_path: Path) -> None:
    with pytest.raises(VigtoolError, match="was not found"):
        read_eaf(tmp_path / "nowhere.eaf")


def test_slots_without_a_time_at_the_edge_are_skipped_and_reported(tmp_path: Path) -> None:
    slots = ('<TIME_SLOT TIME_SLOT_ID="ts1"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="800"/>'
             '<TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="1000"/>')
    document = parse_eaf(
        _eaf(_tier("A", _aligned("a1", 1, 2, "guiding") + _aligned("a2", 2, 3, "x")), slots),
        "edge.eaf",
    )
    assert document.unresolved_slots == 1
    plan = plan_import(document, FrameTimes(tuple(range(0, 2000, 40)), 2000), CODEBOOK)
    assert [(i.annotation_id, "no time" in i.reason) for i in plan.skipped] == [("a1", True)]
    assert [(m.start_frame, m.end_frame, m.title) for m in plan.moments] == [(20, 24, "x")]
