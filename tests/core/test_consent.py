"""Consent per scope, withdrawal, the checks that need it, and retention dates."""

from __future__ import annotations

from datetime import date

import pytest

from sample_clips.kinds import VideoTruth
from vigtool.domain.consent import SCOPES
from vigtool.domain.retention import add_months
from vigtool.errors import ConsentMissing, InvalidEdit
from vigtool.workspace import Workspace


def test_every_scope_starts_not_asked_and_the_latest_record_decides(
    workspace: Workspace,
) -> None:
    case = workspace.add_case("FAM-01")
    state = workspace.privacy.consent_state(case.id)
    assert list(state) == list(SCOPES) == ["filming", "shared-review", "supervision",
                                            "intervision", "training", "keep-clips"]
    assert {s.status for s in state.values()} == {"not asked"}
    workspace.add_consent(case.id, kind="supervision", given=False, recorded_by="Sam")
    workspace.add_consent(case.id, kind="shared-review", given=True, recorded_by="Sam")
    state = workspace.privacy.consent_state(case.id)
    assert state["supervision"].status == "not given"
    assert not state["supervision"].granted
    assert state["shared-review"].granted
    assert state["shared-review"].recorded_by == "Sam"
    workspace.add_consent(case.id, kind="supervision", given=True)  # the family changed its mind
    assert workspace.privacy.has_consent(case.id, "supervision")


def test_withdrawal_stops_what_needed_it_and_is_logged_not_undone(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.add_case("FAM-01")
    with pytest.raises(ConsentMissing) as missing:
        workspace.import_recording(case.id, path=small_video.path)
    assert str(missing.value).startswith("cannot import a film: for case FAM-01, no consent "
                                         "to filming the family is recorded")
    assert not list((workspace.root / "media").iterdir())  # nothing copied in
    workspace.add_consent(case.id, kind="filming", given=True)
    workspace.import_recording(case.id, path=small_video.path)
    withdrawn = workspace.withdraw_consent(case.id, kind="filming")
    assert withdrawn.withdrawn_at is not None
    assert workspace.undo_name == "Add Case"  # consent records are not undo steps
    with pytest.raises(ConsentMissing, match="the family withdrew consent to filming"):
        workspace.privacy.require_consent(case.id, "filming", "import a film")
    with pytest.raises(InvalidEdit, match="no consent to filming in force"):
        workspace.withdraw_consent(case.id, kind="filming")
    log = [e.detail for e in workspace.privacy.audit_log(case.id) if e.action == "consent"]
    assert log[0].startswith("FAM-01: filming given")
    assert log[-1].startswith("FAM-01: filming withdrawn")


def test_an_unknown_scope_is_refused(workspace: Workspace) -> None:
    case = workspace.add_case("FAM-01")
    with pytest.raises(InvalidEdit, match="not a consent scope; use one of: filming"):
        workspace.add_consent(case.id, kind="marketing", given=True)
    assert workspace.privacy.consents(case.id) == []


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 11, 29), 2) == date(2027, 1, 29)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_retention_follows_the_last_filming_or_the_cases_own_date(
    workspace: Workspace, small_video: VideoTruth
) -> None:
    case = workspace.add_case("FAM-01")
    assert workspace.privacy.retention(case.id).status == "none"
    workspace.add_consent(case.id, kind="filming", given=True)
    rec = workspace.import_recording(case.id, path=small_video.path, filmed_on="2026-10-01")
    r = workspace.privacy.retention(case.id, today=date(2026, 11, 25))
    assert (r.until, r.explicit, r.days_left, r.status) == ("2026-12-01", False, 6, "soon")
    assert workspace.privacy.retention(case.id, today=date(2026, 10, 2)).status == "ok"
    assert workspace.privacy.retention(case.id, today=date(2026, 12, 2)).status == "due"
    workspace.privacy.set_retention_months(6)
    assert workspace.privacy.retention(case.id).until == "2027-04-01"
    workspace.privacy.set_retention_until(case.id, "2026-01-31")
    r = workspace.privacy.retention(case.id, today=date(2026, 11, 29))
    assert (r.until, r.explicit, r.status) == ("2026-01-31", True, "due")
    assert r.line("FAM-01") == "FAM-01: the raw film was due to be deleted on 2026-01-31"
    assert [code for code, _ in workspace.privacy.retention_due()] == ["FAM-01"]
    workspace.privacy.set_retention_until(case.id, None)
    assert not workspace.privacy.retention(case.id).explicit
    with pytest.raises(InvalidEdit, match="not a date"):
        workspace.privacy.set_retention_until(case.id, "next spring")
    with pytest.raises(InvalidEdit, match="1 to 120 months"):
        workspace.privacy.set_retention_months(0)
    workspace.library.mark_purged(case.id, [rec.id], "FAM-01: purged")
    assert workspace.privacy.retention(case.id).status == "purged"
    assert workspace.privacy.retention_due() == []
