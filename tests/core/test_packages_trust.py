"""Supervision packages and trust: nothing about the family is readable without the
passphrase; a wrong passphrase or a changed byte imports nothing; no consent, no package;
the manifest is what its schema says."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pyrage
import pytest
from jsonschema import Draft202012Validator

from tests.core.test_packages import (
    BACK,
    CODE,
    NOTE,
    PASSPHRASE,
    WORDS,
    Supervisor,
    Trainee,
    films,  # noqa: F401  (session fixtures, shared with test_packages.py)
    supervisor,  # noqa: F401
    trainee,  # noqa: F401
    workspace_state,
)
from tests.core.test_purge import film_fingerprints
from vigtool.errors import Cancelled, ConsentMissing
from vigtool.jobs import CancelToken
from vigtool.packages import (
    PackageError,
    make_case_package,
    make_comments_package,
    open_package,
)
from vigtool.packages import format as package_format
from vigtool.packages.format import UNREADABLE
from vigtool.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inside(trainee: Trainee) -> zipfile.ZipFile:  # noqa: F811
    """The package decrypted with the standard library calls (not vigtool's own)."""
    plain = pyrage.passphrase.decrypt(trainee.package.read_bytes(), PASSPHRASE)
    return zipfile.ZipFile(io.BytesIO(plain))


def test_the_package_holds_no_readable_family_data(
    trainee: Trainee, inside: zipfile.ZipFile  # noqa: F811
) -> None:
    data = trainee.package.read_bytes()
    plain = b"".join(inside.read(name) for name in inside.namelist())
    runs = film_fingerprints(trainee.family.path, count=48) + film_fingerprints(
        trainee.review.path, count=48)
    words = [w.encode() for w in WORDS]
    # The search can see: inside the encryption, the clips carry the films' own packets
    # (smart cut copies them) and the manifest and summary the family's words.
    assert sum(run in plain for run in runs) >= 10
    assert [w for w in words if w not in plain] == []
    assert [n for n in trainee.names() if n.encode() in plain] == []  # not even inside
    # The file itself: none of it, as UTF-8 or UTF-16, in any case.
    found = [w for w in words + [n.encode() for n in trainee.names()]
             for form in (w, w.decode().encode("utf-16-le")) if form.lower() in data.lower()]
    assert found == []
    assert [run for run in runs if run in data] == []
    # Only the age header is readable: the format line, the scrypt stanza (salt and work
    # factor), the header's MAC; the rest is ciphertext.
    header, _, _ = data.partition(b"\n--- ")
    lines = header.decode("ascii").split("\n")
    assert lines[0] == "age-encryption.org/v1"
    assert re.fullmatch(r"-> scrypt [A-Za-z0-9+/]{22} \d{1,2}", lines[1])
    assert all(re.fullmatch(r"[A-Za-z0-9+/]{0,64}", line) for line in lines[2:])


def test_the_manifest_is_valid_against_its_schema_and_says_no_file_name(
    trainee: Trainee, inside: zipfile.ZipFile  # noqa: F811
) -> None:
    assert inside.namelist()[0] == "manifest.json"
    assert inside.getinfo("clips/1.mp4").compress_type == zipfile.ZIP_STORED
    manifest = json.loads(inside.read("manifest.json"))
    schema = json.loads((ROOT / "schemas" / "package-manifest.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(manifest)
    assert (manifest["kind"], manifest["from"], manifest["answers"]) == (
        "case", "Sam Trainee", None)
    assert [(c["recording"], c["start_frame"], c["end_frame"]) for c in manifest["clips"]] == [
        (trainee.family_sha, 12, 59), (trainee.review_sha, 5, 24)]
    assert NOTE in {m["note"] for m in manifest["moments"]}  # for a supervisor: notes go
    assert sorted(inside.namelist()) == [
        "clips/1.mp4", "clips/2.mp4", "manifest.json", "stills/1.png", "summary.html"]
    text = json.dumps(manifest)
    assert trainee.family.path.name not in text
    assert trainee.review.path.name not in text
    assert str(trainee.root) not in text
    bad = dict(manifest, clips=[dict(manifest["clips"][0], start_frame=-1)])
    with pytest.raises(PackageError, match=r"clips\[0\]\.start_frame"):
        package_format.validate_manifest(bad)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


@pytest.mark.parametrize("change", ["wrong passphrase", "header", "middle", "truncated"])
def test_a_wrong_passphrase_or_a_changed_byte_imports_nothing(
    tmp_path: Path, trainee: Trainee, change: str  # noqa: F811
) -> None:
    data = trainee.package.read_bytes()
    passphrase = PASSPHRASE
    if change == "wrong passphrase":
        passphrase = "correct horse battery stapler"
    elif change == "header":
        data = _flip(data, data.index(b"scrypt ") + 12)  # inside the salt
    elif change == "middle":
        data = _flip(data, len(data) // 2)
    else:
        data = data[: len(data) - 1000]
    package = tmp_path / "changed.vigpack"
    package.write_bytes(data)
    root = tmp_path / "supervisor"
    Workspace.open(root).close()
    before = workspace_state(root)
    with Workspace.open(root) as ws, pytest.raises(PackageError) as caught:
        open_package(ws, package, passphrase)
    assert str(caught.value) == UNREADABLE
    assert workspace_state(root) == before
    assert not list(root.rglob(".vigtool-partial-*"))


def test_comments_for_films_this_workspace_does_not_have_import_nothing(
    tmp_path: Path, supervisor: Supervisor  # noqa: F811
) -> None:
    root = tmp_path / "someone-else"
    Workspace.open(root).close()
    before = workspace_state(root)
    with Workspace.open(root) as ws, pytest.raises(
            PackageError, match=r"on 2 film\(s\) this workspace does not have; nothing was"):
        open_package(ws, supervisor.comments_package, BACK)
    assert workspace_state(root) == before


def test_without_consent_to_supervision_no_package_is_made(
    tmp_path: Path, trainee: Trainee  # noqa: F811
) -> None:
    out = tmp_path / "out" / "p.vigpack"
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case("FAM-02")
        ws.add_consent(case.id, kind="filming", given=True)
        ws.import_recording(case.id, path=trainee.review.path, kind="shared-review")
        with pytest.raises(ConsentMissing, match="supervision"):
            make_case_package(ws, case.id, None, out, PASSPHRASE)
        ws.add_consent(case.id, kind="supervision", given=False)
        with pytest.raises(ConsentMissing, match="did not consent to showing clips"):
            make_case_package(ws, case.id, None, out, PASSPHRASE)
        actions = [e.action for e in ws.privacy.audit_log(case.id)]
    assert not out.exists()
    assert not out.parent.exists()
    assert "package-started" not in actions


def test_what_a_package_refuses_before_anything_is_written(
    tmp_path: Path, trainee: Trainee, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    out = tmp_path / "out" / "p.vigpack"
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case(CODE)
        for scope in ("filming", "supervision"):
            ws.add_consent(case.id, kind=scope, given=True)
        recording = ws.import_recording(case.id, path=trainee.review.path)
        for passphrase, why in [("short one", "at least 10 characters"),
                                ("two\nlines here", "one line")]:
            with pytest.raises(PackageError, match=why):
                make_case_package(ws, case.id, None, out, passphrase)
        with pytest.raises(PackageError, match=r"saved as a \.vigpack file"):
            make_case_package(ws, case.id, None, tmp_path / "p.mp4", PASSPHRASE)
        with pytest.raises(PackageError, match="no moment of case FAM-ZQ7, cycle 1 is chosen"):
            make_case_package(ws, case.id, None, out, PASSPHRASE)
        with pytest.raises(PackageError, match="no film in cycle 2"):
            make_case_package(ws, case.id, 2, out, PASSPHRASE)
        with pytest.raises(PackageError, match="is your own"):
            make_comments_package(ws, case.id, out, PASSPHRASE)
        moment = ws.add_moment(recording.id, start_frame=0, end_frame=44)
        ws.annotations.choose_for_review(moment.id, True)
        monkeypatch.setattr(package_format, "MAX_PACKAGE_BYTES", 1000)
        with pytest.raises(PackageError, match="more than the 0 GB a package can"):
            make_case_package(ws, case.id, None, out, PASSPHRASE)
        actions = [e.action for e in ws.privacy.audit_log(case.id)]
    assert actions[-2:] == ["package-started", "package-failed"]
    assert not out.exists()
    assert not list(tmp_path.rglob(".vigtool-partial-*"))


def test_a_cancelled_package_leaves_no_file_and_says_so_in_the_log(
    tmp_path: Path, trainee: Trainee  # noqa: F811
) -> None:
    cancel = CancelToken()
    out = tmp_path / "out" / "p.vigpack"
    with Workspace.open(tmp_path / "ws") as ws:
        case = ws.add_case(CODE)
        for scope in ("filming", "supervision"):
            ws.add_consent(case.id, kind=scope, given=True)
        recording = ws.import_recording(case.id, path=trainee.review.path, kind="shared-review")
        moment = ws.add_moment(recording.id, start_frame=3, end_frame=40)
        ws.annotations.choose_for_review(moment.id, True)

        def stop_half_way(done: int, total: int) -> None:
            if done * 2 >= total:
                cancel.cancel()

        with pytest.raises(Cancelled):
            make_case_package(ws, case.id, None, out, PASSPHRASE, progress=stop_half_way,
                              cancel=cancel)
        log = [(e.action, e.detail) for e in ws.privacy.audit_log(case.id)][-2:]
    assert [action for action, _ in log] == ["package-started", "package-cancelled"]
    assert log[1][1].endswith("cancelled; nothing was written")
    assert not out.exists()
    assert not list(tmp_path.rglob(".vigtool-partial-*"))
