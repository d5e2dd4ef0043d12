"""Turn database rows into frozen records (and moment codes to and from JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from vigtool.domain.records import (
    Actor,
    AuditEntry,
    Case,
    Consent,
    Cycle,
    Goal,
    Moment,
    Recording,
    RecordingStatus,
    Reflection,
    Still,
    Turn,
    TurnKind,
)

Row = Mapping[str, Any]


def codes_to_json(codes: Iterable[str]) -> str:
    return json.dumps(list(codes), ensure_ascii=False)


def case(row: Row) -> Case:
    return Case(row["id"], row["code"], row["helping_question"], row["created_at"])


def cycle(row: Row) -> Cycle:
    return Cycle(row["id"], row["case_id"], row["number"], row["note"])


def recording(row: Row, status: RecordingStatus) -> Recording:
    return Recording(
        id=row["id"],
        case_id=row["case_id"],
        cycle=row["cycle"],
        path=row["path"],
        original_name=row["original_name"],
        sha256=row["sha256"],
        duration_ms=row["duration_ms"],
        frame_count=row["frame_count"],
        fps=row["fps"],
        vfr=bool(row["vfr"]),
        width=row["width"],
        height=row["height"],
        rotation=row["rotation"],
        has_audio=bool(row["has_audio"]),
        video_codec=row["video_codec"],
        audio_codec=row["audio_codec"],
        status=status,
        imported_at=row["imported_at"],
    )


def moment(row: Row) -> Moment:
    return Moment(
        id=row["id"],
        recording_id=row["recording_id"],
        start_frame=row["start_frame"],
        end_frame=row["end_frame"],
        codes=tuple(json.loads(row["codes"])),
        title=row["title"],
        note=row["note"],
        strengths=row["strengths"],
        prompt=row["prompt"],
        selected_for_review=bool(row["selected_for_review"]),
        review_order=row["review_order"],
    )


def turn(row: Row) -> Turn:
    return Turn(
        row["id"], row["recording_id"], row["frame"], Actor(row["actor"]),
        TurnKind(row["kind"]), row["note"],
    )


def still(row: Row) -> Still:
    return Still(row["id"], row["recording_id"], row["frame"], row["caption"])


def reflection(row: Row) -> Reflection:
    return Reflection(
        row["id"], row["case_id"], row["cycle"], row["moment_id"], row["text"], row["created_at"]
    )


def goal(row: Row) -> Goal:
    return Goal(row["id"], row["case_id"], row["cycle"], row["text"])


def consent(row: Row) -> Consent:
    return Consent(
        id=row["id"],
        case_id=row["case_id"],
        kind=row["kind"],
        given=bool(row["given"]),
        recorded_at=row["recorded_at"],
        retention_until=row["retention_until"],
        withdrawn_at=row["withdrawn_at"],
        note=row["note"],
    )


def audit_entry(row: Row) -> AuditEntry:
    return AuditEntry(row["id"], row["at"], row["action"], row["case_id"], row["detail"])
