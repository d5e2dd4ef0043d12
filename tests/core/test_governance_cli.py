"""The governance commands: consent, cases, retention, purge and audit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sample_clips.kinds import VideoTruth
from tests.core.test_cli_errors import assert_one_error_line, run_cli
from vigtool.domain.records import RecordingStatus
from vigtool.workspace import Workspace


@pytest.fixture
def filmed(tmp_path: Path, small_video: VideoTruth) -> Path:
    root = tmp_path / "ws"
    with Workspace.open(root) as ws:
        case = ws.add_case("FAM-01")
        ws.add_consent(case.id, kind="filming", given=True, recorded_by="Sam")
        rec = ws.import_recording(case.id, path=small_video.path, filmed_on="2020-01-10")
        moment = ws.add_moment(rec.id, start_frame=5, end_frame=14, title="Looking together")
        ws.annotations.choose_for_review(moment.id, True)
        ws.add_case("FAM-02")
    return root


def test_consent_is_shown_given_and_withdrawn(filmed: Path) -> None:
    run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01"], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    assert "Filming        given since" in run.stdout
    assert "(recorded by Sam)" in run.stdout
    assert "Keep clips     not asked" in run.stdout
    run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01", "--give", "keep-clips",
                   "supervision", "--refuse", "training", "--by", "Alex"], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    assert "Keep clips     given since" in run.stdout
    assert "Training       not given since" in run.stdout
    run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01", "--withdraw",
                   "supervision"], cwd=filmed.parent)
    assert "Supervision    withdrawn since" in run.stdout
    run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01", "--withdraw",
                   "supervision"], cwd=filmed.parent)
    assert_one_error_line(run, "no consent to supervision in force")
    run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01", "--give", "ads"],
                  cwd=filmed.parent)
    assert_one_error_line(run, "invalid choice")


def test_cases_and_retention_say_what_is_due(filmed: Path) -> None:
    run = run_cli(["cases", "--workspace", filmed], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    assert "FAM-01: 1 recording(s); consent: Filming" in run.stdout
    assert "the raw film was due to be deleted on 2020-03-10" in run.stdout
    assert "FAM-02: 0 recording(s); consent: none recorded" in run.stdout
    run = run_cli(["retention", "--workspace", filmed, "--case", "FAM-01", "--until",
                   "2099-01-31"], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    assert "FAM-01: the raw film is due to be deleted in" in run.stdout
    run = run_cli(["retention", "--workspace", filmed, "--until", "2099-01-31"],
                  cwd=filmed.parent)
    assert_one_error_line(run, "--case")
    run = run_cli(["retention", "--workspace", filmed, "--months", "999"], cwd=filmed.parent)
    assert_one_error_line(run, "months is from 1 to 120")


def test_purge_needs_confirmation_then_deletes_the_film(filmed: Path) -> None:
    run = run_cli(["purge", "--workspace", filmed, "--case", "FAM-01"], cwd=filmed.parent)
    assert_one_error_line(run, "cannot be undone", "--yes")
    assert len(list((filmed / "media").iterdir())) == 1  # nothing deleted
    run = run_cli(["purge", "--workspace", filmed, "--case", "FAM-01", "--yes"],
                  cwd=filmed.parent)
    assert run.code == 0, run.stderr
    assert "This cannot be undone." in run.stdout
    assert "case FAM-01: 1 recording(s) purged" in run.stdout
    assert not list((filmed / "media").iterdir())
    with Workspace.open(filmed, read_only=True) as ws:
        (rec,) = ws.recordings()
        assert rec.status is RecordingStatus.PURGED
        assert [m.title for m in ws.moments(rec.id)] == ["Looking together"]
    run = run_cli(["purge", "--workspace", filmed, "--case", "FAM-01", "--yes"],
                  cwd=filmed.parent)
    assert "no raw film left to delete" in run.stdout


def test_the_audit_log_prints_and_saves_as_csv(filmed: Path, tmp_path: Path) -> None:
    run = run_cli(["audit", "--workspace", filmed, "--case", "FAM-01"], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "consent" in lines[0]
    assert "import" in lines[1]
    out = tmp_path / "audit.csv"
    run = run_cli(["audit", "--workspace", filmed, "--out", out], cwd=filmed.parent)
    assert run.code == 0, run.stderr
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["action"] for r in rows][:2] == ["consent", "import"]
    assert rows[0]["case"] == "FAM-01"
    assert rows[-1]["action"] == "audit-export"
    assert out.stat().st_mode & 0o777 == 0o600
    run = run_cli(["audit", "--workspace", filmed, "--out", out], cwd=filmed.parent)
    assert_one_error_line(run, "--force")
    run = run_cli(["audit", "--workspace", filmed, "--out", filmed / "audit.csv"],
                  cwd=filmed.parent)
    assert_one_error_line(run, "workspace")


def test_a_command_while_another_program_writes_is_told_who(filmed: Path) -> None:
    with Workspace.open(filmed) as ws:  # the app, say
        run = run_cli(["consent", "--workspace", filmed, "--case", "FAM-01", "--give",
                       "training"], cwd=filmed.parent)
        assert_one_error_line(run, "already open in", "read-only")
        # Looking needs no lock: listing works alongside the writer.
        run = run_cli(["cases", "--workspace", filmed], cwd=filmed.parent)
        assert run.code == 0, run.stderr
        assert not ws.privacy.has_consent(ws.caseload.case_by_code("FAM-01").id, "training")
