"""The bad-input corpus's files: every broken or hostile video, ELAN file and
codebook the cases use, the case record, and the folder the cases run in.

Each case is a command line run in its own copy of one prepared folder (of in/
and wsx-*/ only what its command line names, and what ``setup`` makes)::

    in/     the inputs: a good clip (imported in ws/), another clip (not imported),
            a good ELAN file, and every broken video, ELAN file and codebook below
    ws/     a workspace: case FAM-01 (consent to filming and shared review, the clip
            imported, one moment chosen) and case NEW-02 (no recordings yet)
    wsx-*/  folders that are not a usable workspace (another program's database...)
    out/    earlier exports that must survive, a folder, a file to write "under"
    .home/  HOME and the XDG folders, so nothing reaches the real home folder

Paths in ``Case.argv`` are relative to that folder (the command runs there);
``{media}`` is the workspace's own copy of the clip. ``setup`` makes what
cannot be copied (FIFOs, device nodes, links) or is too big to copy each time.

The table of cases (``CASES``) is in bad_input_cases.py. Count the inputs:
``python -m tests.core.test_bad_input_corpus``; run them all and count
tracebacks: ``python -m tests.core.test_bad_input_corpus --run``.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sample_clips.kinds import AUDIO_ONLY, H264_BFRAMES, make_video

CASE = "FAM-01"
EMPTY_CASE = "NEW-02"
MEDIA = "{media}"
NOT_UTF8 = os.fsdecode(b"clip-\xff.mp4")  # a real file name no argument can carry as text
LONG_NAME = "w" * 300  # longer than any file system allows (255 bytes)
Setup = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, words its one ``error:`` line must hold,
    what to make first, and (if a known fault outside the fixable files makes it
    fail today) why it is expected to fail."""

    id: str
    argv: tuple[str, ...]
    mentions: tuple[str, ...] = ()
    setup: Setup | None = None
    xfail: str | None = None
    timeout: float = 30.0

    @property
    def entry(self) -> str:
        """The entry point: ``probe``, ``export csv``, ``codebook``..."""
        return " ".join(self.argv[:2]) if self.argv[0] == "export" else self.argv[0]


def case(id: str, argv: Iterable[str], *mentions: str, setup: Setup | None = None,
         xfail: str | None = None, timeout: float = 30.0) -> Case:
    return Case(id, tuple(argv), tuple(mentions), setup, xfail, timeout)


# -- things made per case ----------------------------------------------------------------


def fifo(*names: str) -> Setup:
    def make(root: Path) -> None:
        for name in names:
            os.mkfifo(root / name)
    return make


def device(name: str) -> Setup:
    """A character device like /dev/null (a copy, so a failed check loses only the copy)."""
    def make(root: Path) -> None:
        os.mknod(root / name, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    return make


def symlink(name: str, target: str) -> Setup:
    def make(root: Path) -> None:
        (root / name).symlink_to(target)
    return make


def hardlink(name: str, target: str) -> Setup:
    def make(root: Path) -> None:
        os.link(root / target, root / name)
    return make


def huge_text_eaf(name: str) -> Setup:
    """An ELAN file with one 11 MB annotation (past libxml2's limit for a text node)."""
    def make(root: Path) -> None:
        (root / name).write_bytes(eaf(tiers=moments_tier(aligned("a1", "ts1", "ts2",
                                                                  "x" * 11_000_000))))
    return make


def write(name: str, data: bytes) -> Setup:
    """A big file, made only for the case that reads it (copying it for every case is slow)."""
    def make(root: Path) -> None:
        (root / name).write_bytes(data)
    return make


# -- ELAN files ------------------------------------------------------------------------------

TYPES = ('<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="default-lt" TIME_ALIGNABLE="true"/>'
         '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="ref-lt" TIME_ALIGNABLE="false" '
         'CONSTRAINTS="Symbolic_Association"/>')
SLOTS = '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="100"/><TIME_SLOT TIME_SLOT_ID="ts2" ' \
        'TIME_VALUE="500"/>'


def aligned(ann_id: str, ts1: str, ts2: str, value: str) -> str:
    return (f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="{ann_id}" TIME_SLOT_REF1="{ts1}" '
            f'TIME_SLOT_REF2="{ts2}"><ANNOTATION_VALUE>{value}</ANNOTATION_VALUE>'
            "</ALIGNABLE_ANNOTATION></ANNOTATION>")


def referring(ann_id: str, ref: str, value: str) -> str:
    return (f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="{ann_id}" ANNOTATION_REF="{ref}">'
            f"<ANNOTATION_VALUE>{value}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>")


def moments_tier(*annotations: str, tier: str = "Moments", attrs: str = "") -> str:
    return (f'<TIER TIER_ID="{tier}" LINGUISTIC_TYPE_REF="default-lt"{attrs}>'
            f'{"".join(annotations)}</TIER>')


def eaf(*, slots: str = SLOTS, tiers: str = "", prolog: str = "", units: str = "milliseconds",
        types: str = TYPES) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}'
        '<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-11-29T10:00:00+00:00" FORMAT="3.0" '
        f'VERSION="3.0"><HEADER MEDIA_FILE="" TIME_UNITS="{units}"/>'
        f"<TIME_ORDER>{slots}</TIME_ORDER>{tiers}{types}</ANNOTATION_DOCUMENT>\n"
    ).encode()


GOOD_EAF = eaf(tiers=moments_tier(aligned("a1", "ts1", "ts2", "being-attentive")))
LAUGHS = "<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY lol \"lol\">" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";" if i > 1 else "&lol;") * 10}">'
    for i in range(1, 10)) + "]>\n"


def _slot(value: str) -> str:
    return f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{value}"/>' \
           '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="500"/>'


ONE = moments_tier(aligned("a1", "ts1", "ts2", "being-attentive"))
BAD_EAFS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    # entity expansion and external entities: never expanded, never fetched, refused
    "laughs.eaf": (eaf(prolog=LAUGHS, tiers=moments_tier(aligned("a1", "ts1", "ts2",
                                                                  "&lol9;"))),
                   ("laughs.eaf", "DTD")),
    "laughs-inside.eaf": (eaf(tiers=moments_tier(aligned("a1", "ts1", "ts2", "&lol9;"))),
                          ("laughs-inside.eaf", "lol9")),
    "xxe.eaf": (eaf(prolog='<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY xxe SYSTEM '
                           '"file:///etc/passwd">]>\n',
                    tiers=moments_tier(aligned("a1", "ts1", "ts2", "&xxe;"))),
                ("xxe.eaf", "DTD")),
    "dtd-http.eaf": (eaf(prolog='<!DOCTYPE ANNOTATION_DOCUMENT SYSTEM '
                                '"http://127.0.0.1:9/evil.dtd">\n', tiers=ONE),
                     ("dtd-http.eaf", "DTD")),
    "param-entity.eaf": (eaf(prolog='<!DOCTYPE ANNOTATION_DOCUMENT [<!ENTITY % p SYSTEM '
                                    '"http://127.0.0.1:9/p.dtd"> %p;]>\n', tiers=ONE),
                         ("param-entity.eaf", "DTD")),
    # not an ELAN file at all
    "empty.eaf": (b"", ("empty.eaf", "empty")),
    "prose.eaf": (b"Notes from Tuesday's visit: she smiled at 00:42.\n",
                  ("prose.eaf", "not well-formed XML")),
    "noise.eaf": (random.Random(7).randbytes(4096), ("noise.eaf", "not")),
    "page.eaf": (b"<html><body><p>hello</p></body></html>", ("page.eaf", "<html>")),
    "latin1.eaf": (GOOD_EAF.replace(b"being-attentive", "café".encode("latin-1")),
                   ("latin1.eaf", "not well-formed XML")),
    "deep.eaf": (GOOD_EAF.replace(b"being-attentive", b"<b>" * 5000 + b"</b>" * 5000),
                 ("deep.eaf", "not well-formed XML")),
    # an ELAN file whose content is wrong
    "seconds.eaf": (eaf(units="PAL-frames", tiers=ONE), ("seconds.eaf", "PAL-frames")),
    "no-time-order.eaf": (GOOD_EAF.replace(b"<TIME_ORDER>", b"<TIME_ORDERS>").replace(
        b"</TIME_ORDER>", b"</TIME_ORDERS>"), ("no-time-order.eaf", "TIME_ORDER")),
    "negative.eaf": (eaf(slots=_slot("-40"), tiers=ONE), ("negative.eaf", "negative")),
    "fraction.eaf": (eaf(slots=_slot("12.5"), tiers=ONE), ("fraction.eaf", "whole number")),
    "digits-5000.eaf": (eaf(slots=_slot("9" * 5000), tiers=ONE),
                        ("digits-5000.eaf", "ts1", "5,000 characters", "a week")),
    "digits-400.eaf": (eaf(slots=_slot("9" * 400), tiers=ONE),
                       ("digits-400.eaf", "ts1", "a week")),
    "digits-20.eaf": (eaf(slots=_slot("9" * 20), tiers=ONE), ("digits-20.eaf", "ts1", "a week")),
    "eight-days.eaf": (eaf(slots=_slot(str(8 * 24 * 3600 * 1000)), tiers=ONE),
                       ("eight-days.eaf", "ts1", "a week")),
    "long-id.eaf": (eaf(tiers=moments_tier(aligned("a" * 5000, "ts1", "ts99", "x"))),
                    ("long-id.eaf", "ts99", "5,000 characters")),
    "unknown-slot.eaf": (eaf(tiers=moments_tier(aligned("a1", "ts1", "ts99", "x"))),
                         ("unknown-slot.eaf", "ts99")),
    "no-slot.eaf": (eaf(tiers=moments_tier(aligned("a1", "ts1", "", "x"))),
                    ("no-slot.eaf", "(none)")),
    "twice-slot.eaf": (eaf(slots=SLOTS + '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="9"/>',
                           tiers=ONE), ("twice-slot.eaf", "ts1")),
    "unknown-parent.eaf": (eaf(tiers=ONE + moments_tier(
        referring("a2", "a1", "x"), tier="Codes", attrs=' PARENT_REF="Nowhere"')),
        ("unknown-parent.eaf", "Nowhere")),
    "unknown-ref.eaf": (eaf(tiers=ONE + moments_tier(
        referring("a2", "a77", "x"), tier="Codes", attrs=' PARENT_REF="Moments"')),
        ("unknown-ref.eaf", "a77")),
    "ref-loop.eaf": (eaf(tiers=ONE + moments_tier(
        referring("a2", "a3", "x"), referring("a3", "a2", "y"), tier="Codes",
        attrs=' PARENT_REF="Moments"')), ("ref-loop.eaf", "loop")),
    "twice-id.eaf": (eaf(tiers=moments_tier(aligned("a1", "ts1", "ts2", "x"),
                                            aligned("a1", "ts1", "ts2", "y"))),
                     ("twice-id.eaf", "a1")),
    "twice-tier.eaf": (eaf(tiers=ONE + ONE.replace("a1", "a2")), ("twice-tier.eaf", "Moments")),
    "no-tier-id.eaf": (eaf(tiers=ONE.replace('TIER_ID="Moments"', "")),
                       ("no-tier-id.eaf", "TIER_ID")),
    "strange-element.eaf": (eaf(tiers=moments_tier("<ANNOTATION><BLINK/></ANNOTATION>")),
                            ("strange-element.eaf", "BLINK")),
    "dtd-no-entities.eaf": (eaf(prolog="<!DOCTYPE ANNOTATION_DOCUMENT>\n", tiers=ONE),
                            ("dtd-no-entities.eaf", "DTD")),
}


# -- videos ----------------------------------------------------------------------------------


def _box_field(data: bytes, box: bytes, offset: int, value: int, fmt: str = ">I") -> bytes:
    where = data.index(box)
    patched = bytearray(data)
    struct.pack_into(fmt, patched, where + offset, value)
    return bytes(patched)


def _bad_videos(folder: Path, clip: Path) -> None:
    data = clip.read_bytes()
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "noise.mp4").write_bytes(random.Random(11).randbytes(48 * 1024))
    (folder / "notes.mp4").write_text("Visit 2: she reached for the spoon.\n", encoding="utf-8")
    (folder / "two\nlines.mp4").write_text("not a film\n", encoding="utf-8")
    (folder / "folder.mp4").mkdir()
    (folder / "cut-camera.mp4").write_bytes(data[: len(data) // 2])
    (folder / "photo.mov").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    # headers that claim what is not there: a 4-exabyte media box, two billion samples
    mdat = data.index(b"mdat")
    huge_box = bytearray(data)
    struct.pack_into(">I", huge_box, mdat - 4, 1)
    huge_box[mdat + 4:mdat + 4] = struct.pack(">Q", 2**62)
    (folder / "huge-box.mp4").write_bytes(bytes(huge_box))
    (folder / "huge-count.mp4").write_bytes(_box_field(data, b"stsz", 12, 0x7FFFFFFF))
    (folder / "huge-stts.mp4").write_bytes(_box_field(data, b"stts", 8, 0x7FFFFFFF))
    make_video(folder / "voice.m4a", AUDIO_ONLY, frames=12)
    (folder / NOT_UTF8).write_bytes(data)
    (folder / "loop.mp4").symlink_to("loop.mp4")
    (folder / "dangling.mp4").symlink_to("gone.mp4")
    _zero_frames(clip, folder / "zero-frames.mp4")


def _zero_frames(clip: Path, target: Path) -> None:
    import av

    with av.open(str(clip)) as src, av.open(str(target), "w") as out:
        out.add_stream_from_template(src.streams.video[0])
        out.start_encoding()


BAD_VIDEOS: dict[str, tuple[str, ...]] = {
    # name in in/: words the error line must hold (see test_cli_errors for more kinds)
    "missing.mp4": ("missing.mp4", "no such file"),
    "empty.mp4": ("empty.mp4", "empty"),
    "noise.mp4": ("noise.mp4", "not a video"),
    "notes.mp4": ("notes.mp4", "text file"),
    "folder.mp4": ("folder.mp4", "folder"),
    "pipe.mp4": ("pipe.mp4", "not a regular file"),
    "voice.m4a": ("voice.m4a", "audio-only"),
    "zero-frames.mp4": ("zero-frames.mp4", "no video"),
    "cut-camera.mp4": ("cut-camera.mp4", "damaged or incomplete"),
    "huge-box.mp4": ("huge-box.mp4", "damaged"),
    "huge-count.mp4": ("huge-count.mp4", "damaged"),
    "huge-stts.mp4": ("huge-stts.mp4", "damaged"),
    "photo.mov": ("photo.mov", "PNG image"),
    "loop.mp4": ("loop.mp4", "symbolic link", "not there"),
    "dangling.mp4": ("dangling.mp4", "symbolic link", "not there"),
    "two\nlines.mp4": ("two lines.mp4", "text file"),
    NOT_UTF8: ("not valid text",),
}
# kinds test_cli_errors.py already gives probe and frame; the corpus adds the other commands
COVERED_FOR_PROBE_AND_FRAME = {"missing.mp4", "empty.mp4", "noise.mp4", "notes.mp4",
                               "folder.mp4", "voice.m4a", "cut-camera.mp4"}


# -- codebooks (no command reads one yet: the library's load_codebook is the entry point) --

_BOOK = ('{"id": "mine", "name": "Mine", "version": 1, "description": "d", '
         '"groups": [{"id": "g", "label": "G"}], "codes": [%s]}')
_CODE = ('{"id": "%s", "label": "L", "group": "%s", "colour": "#56B4E9", "description": "d", '
         '"parent_wording": "You waited, and she smiled."}')
BAD_CODEBOOKS: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "empty.json": (b"", ("empty.json", "not valid JSON")),
    "prose.json": (b"Attentive, encouraging, receiving\n", ("prose.json", "not valid JSON")),
    "trailing-comma.json": ((_BOOK % (_CODE % ("a", "g"))).replace("]}", "],}").encode(),
                            ("trailing-comma.json", "not valid JSON")),
    "nan.json": ((_BOOK % (_CODE % ("a", "g"))).replace('"version": 1', '"version": NaN')
                 .encode(), ("nan.json", "NaN")),
    "twice.json": ((_BOOK % (_CODE % ("a", "g"))).replace('"version": 1',
                                                          '"version": 1, "version": 2').encode(),
                   ("twice.json", "version", "twice")),
    "latin1.json": ((_BOOK % (_CODE % ("a", "g"))).replace('"L"', '"Élan"').encode("latin-1"),
                    ("latin1.json", "UTF-8")),
    "utf16.json": ((_BOOK % (_CODE % ("a", "g"))).encode("utf-16"), ("utf16.json", "UTF-8")),
    "list.json": (b"[1, 2, 3]", ("list.json", "not valid")),
    "missing-fields.json": (b'{"id": "mine"}', ("missing-fields.json", "not valid")),
    "misspelt.json": ((_BOOK % (_CODE % ("a", "g"))).replace('"colour"', '"color"').encode(),
                      ("misspelt.json", "colour")),
    "long-id.json": ((_BOOK % (_CODE % ("A" * 20_000, "g"))).encode(),
                     ("long-id.json", "codes[0]")),
    "unknown-group.json": ((_BOOK % (_CODE % ("a", "nowhere"))).encode(),
                           ("unknown-group.json", "nowhere")),
    "twice-code.json": ((_BOOK % ", ".join([_CODE % ("a", "g")] * 2)).encode(),
                        ("twice-code.json", "not valid")),
    "digits-5000.json": ((_BOOK % (_CODE % ("a", "g"))).replace('"version": 1',
                                                                '"version": ' + "9" * 5000)
                         .encode(), ("digits-5000.json", "5,000 digits")),
    "deep.json": (b"[" * 100_000 + b"]" * 100_000, ("deep.json", "nested too deeply")),
    "deep-field.json": ((_BOOK % (_CODE % ("a", "g"))).replace(
        '"description": "d", "groups"', '"description": ' + "[" * 900 + "]" * 900 + ', "groups"')
        .encode(), ("deep-field.json", "description")),
    "huge.json": ((_BOOK % ", ".join(_CODE % (f"c{i}", "g") for i in range(60_000))).encode(),
                  ("huge.json", "too big")),
}
BIG = 64 * 1024  # files bigger than this are made per case, not copied for every case
CODEBOOK_FILES = ("missing.json", "folder.json", "pipe.json", *BAD_CODEBOOKS)
CODEBOOK_MENTIONS = {"missing.json": ("missing.json", "not found"),
                     "folder.json": ("folder.json", "folder"),
                     "pipe.json": ("pipe.json", "not a regular file")}


# -- the prepared folder ---------------------------------------------------------------------


def prepare_base(root: Path) -> Path:
    """Make the folder every case is copied from (see the module docstring)."""
    from vigtool.store.migrations import MIGRATION_SET
    from vigtool.workspace import Workspace

    inputs, out = root / "in", root / "out"
    for folder in (inputs, out, inputs / "codebooks", *(root / ".home" / d for d in
                                                         ("config", "data", "state", "cache"))):
        folder.mkdir(parents=True)
    clip = make_video(inputs / "clip.mp4", H264_BFRAMES, frames=24).path
    make_video(inputs / "other.mp4", H264_BFRAMES, frames=30)
    (inputs / "good.eaf").write_bytes(GOOD_EAF)
    _bad_videos(inputs, clip)
    for name, (data, _) in BAD_EAFS.items():
        (inputs / name).write_bytes(data)
    (inputs / "folder.eaf").mkdir()
    for name, (data, _) in BAD_CODEBOOKS.items():
        if len(data) <= BIG:
            (inputs / "codebooks" / name).write_bytes(data)
    (inputs / "codebooks" / "folder.json").mkdir()

    ws = root / "ws"
    with Workspace.open(ws) as workspace:
        fam = workspace.caseload.add_case(CASE, "How can I help her settle?")
        fresh = workspace.caseload.add_case(EMPTY_CASE, "How do we play together?")
        for case_id in (fam.id, fresh.id):
            for kind in ("filming", "shared-review"):
                workspace.privacy.add_consent(case_id, kind=kind, given=True)
        recording = workspace.library.import_recording(fam.id, path=clip, cycle=1)
        moment = workspace.annotations.add_moment(recording.id, start_frame=3, end_frame=9,
                                                  title="She looks back at you")
        workspace.annotations.choose_for_review(moment.id, True)
    (out / "existing.csv").write_text("yesterday's export\n", encoding="utf-8")
    (out / "existing.png").write_bytes(b"\x89PNG an earlier still")
    (out / "existing.mp4").write_bytes(b"an earlier cut")
    (out / "dir.csv").mkdir()
    (out / "dir.csv" / "keep.txt").write_text("keep me\n", encoding="utf-8")
    _not_workspaces(root, ws, MIGRATION_SET)
    return root


def _not_workspaces(root: Path, ws: Path, migration_set: str) -> None:
    (root / "wsx-nodb").mkdir()
    (root / "wsx-nodb" / "notes.txt").write_text("not a workspace\n", encoding="utf-8")
    for name, data in (("garbage", random.Random(3).randbytes(4096)), ("empty", b"")):
        (root / f"wsx-{name}").mkdir()
        (root / f"wsx-{name}" / "workspace.db").write_bytes(data)
    (root / "wsx-foreign").mkdir()
    with sqlite3.connect(root / "wsx-foreign" / "workspace.db") as db:
        db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        db.execute("INSERT INTO contacts VALUES ('Alex', '01234 567890')")
    db.close()
    shutil.copytree(ws, root / "wsx-newer")
    with sqlite3.connect(root / "wsx-newer" / "workspace.db") as db:
        db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES (?, '9999_from_the_future', '2030-01-01')", (migration_set,))
    db.close()
    shutil.copytree(ws, root / "wsx-truncated")
    db_file = root / "wsx-truncated" / "workspace.db"
    db_file.write_bytes(db_file.read_bytes()[: 3 * 4096])
    (root / "wsx-dbdir" / "workspace.db").mkdir(parents=True)
    (root / "wsx-dblink").mkdir()
    (root / "wsx-dblink" / "workspace.db").symlink_to("../in/other.mp4")
    (root / "wsx-dbfifo").mkdir()


def media_copy(base: Path) -> str:
    """The workspace's copy of the clip, relative to the case folder."""
    (copy,) = (base / "ws" / "media").iterdir()
    return copy.relative_to(base).as_posix()
