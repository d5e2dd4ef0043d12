"""The bad-input corpus as one table: ``CASES``, every bad input given to every
entry point of ``vigtool``, and ``KNOWN_FAULTS``, the cases that fail today
because of code outside the files the corpus's author may fix (each a strict
xfail naming where the fault is, so a fix shows up at once).

The files the cases use are made in bad_inputs.py; test_bad_input_corpus.py
runs the table.
"""

from __future__ import annotations

import os
from dataclasses import replace

from tests.core.bad_inputs import (
    BAD_CODEBOOKS,
    BAD_EAFS,
    BAD_VIDEOS,
    BIG,
    CASE,
    CODEBOOK_FILES,
    CODEBOOK_MENTIONS,
    COVERED_FOR_PROBE_AND_FRAME,
    EMPTY_CASE,
    LONG_NAME,
    MEDIA,
    NOT_UTF8,
    Case,
    Setup,
    case,
    device,
    fifo,
    hardlink,
    huge_text_eaf,
    symlink,
    write,
)

WS = ("--workspace", "ws", "--case", CASE)


def _slug(name: str) -> str:
    return name.encode("ascii", "backslashreplace").decode().replace("\n", "-newline-")


def _video_cases() -> list[Case]:
    found = []
    for name, mentions in BAD_VIDEOS.items():
        video, slug = f"in/{name}", _slug(name)
        make = fifo(video) if name == "pipe.mp4" else None
        if name not in COVERED_FOR_PROBE_AND_FRAME:
            found.append(case(f"probe/{slug}", ["probe", video, "--json"], *mentions, setup=make))
            found.append(case(f"frame/{slug}", ["frame", video, "--frame", "0", "--out",
                                                "out/new.png"], *mentions, setup=make))
        found.append(case(f"suggest/{slug}", ["suggest", video, "--json"], *mentions, setup=make))
        found.append(case(f"cut/{slug}", ["cut", video, "--start-frame", "0", "--end-frame", "5",
                                          "--out", "out/new.mp4"], *mentions, setup=make))
        found.append(case(f"import-eaf/video-{slug}", ["import-eaf", "in/good.eaf", *WS,
                                                       "--video", video], *mentions, setup=make))
        if name in {"missing.mp4", "empty.mp4", "folder.mp4", "pipe.mp4", "loop.mp4"}:
            found.append(case(f"gui/{slug}", ["gui", video, "--workspace", "ws"], *mentions,
                              setup=make))
    return found


def _eaf_cases() -> list[Case]:
    def imp(name: str) -> list[str]:
        return ["import-eaf", f"in/{name}", *WS, "--video", "in/other.mp4"]

    found = [case(f"import-eaf/{name}", imp(name), *mentions)
             for name, (_, mentions) in BAD_EAFS.items()]
    found += [
        case("import-eaf/missing.eaf", imp("missing.eaf"), "missing.eaf", "not found"),
        case("import-eaf/folder.eaf", imp("folder.eaf"), "folder.eaf", "folder"),
        case("import-eaf/pipe.eaf", imp("pipe.eaf"), "pipe.eaf", "not a regular file",
             setup=fifo("in/pipe.eaf")),
        case("import-eaf/huge-text.eaf", imp("huge-text.eaf"), "huge-text.eaf",
             setup=huge_text_eaf("in/huge-text.eaf")),
        case("import-eaf/the-video.eaf", imp("other.mp4"), "other.mp4", "not"),
    ]
    return found


def _codebook_cases() -> list[Case]:
    def make(name: str) -> Setup | None:
        path = f"in/codebooks/{name}"
        if name == "pipe.json":
            return fifo(path)
        data = BAD_CODEBOOKS.get(name, (b"", ()))[0]
        return write(path, data) if len(data) > BIG else None

    return [
        case(f"codebook/{name}", ["codebook", f"in/codebooks/{name}"],
             *CODEBOOK_MENTIONS.get(name, BAD_CODEBOOKS.get(name, (b"", ()))[1]),
             setup=make(name))
        for name in CODEBOOK_FILES
    ]


NOT_A_WORKSPACE = {
    # --workspace given: words the error line must hold
    "wsx-missing": ("wsx-missing", "not a vigtool workspace"),
    "in/clip.mp4": ("clip.mp4",),
    "wsx-nodb": ("wsx-nodb", "not a vigtool workspace"),
    "wsx-garbage": ("wsx-garbage", "not a vigtool workspace"),
    "wsx-empty": ("wsx-empty",),
    "wsx-foreign": ("wsx-foreign", "another program"),
    "wsx-newer": ("wsx-newer", "newer version"),
    "wsx-truncated": ("wsx-truncated",),
    "wsx-dbdir": ("wsx-dbdir", "workspace"),
    "wsx-dblink": ("wsx-dblink",),
    "wsx-dbfifo": ("wsx-dbfifo",),
    LONG_NAME: ("too long",),
    os.fsdecode(b"ws-\xff"): ("not valid text",),
}
DEMO_NOT_A_WORKSPACE = ("in/clip.mp4", "wsx-garbage", "wsx-foreign", "wsx-newer",
                        "wsx-truncated", "wsx-dbdir", "wsx-dblink", "wsx-dbfifo", LONG_NAME)


def _workspace_cases() -> list[Case]:
    found = []
    for folder, mentions in NOT_A_WORKSPACE.items():
        make = fifo("wsx-dbfifo/workspace.db") if folder == "wsx-dbfifo" else None
        slug = _slug(folder)[:40]
        found.append(case(f"export-csv/workspace-{slug}",
                          ["export", "csv", "--workspace", folder, "--case", CASE, "--out",
                           "out/new.csv"], *mentions, setup=make))
        if folder in DEMO_NOT_A_WORKSPACE:
            found.append(case(f"demo/workspace-{slug}",
                              ["demo", "--no-gui", "--workspace", folder], *mentions, setup=make))
        if folder in ("wsx-missing", "wsx-garbage", "wsx-foreign", "wsx-newer"):
            found.append(case(f"review/workspace-{slug}",
                              ["review", "--workspace", folder, "--case", CASE], *mentions))
            found.append(case(f"import-eaf/workspace-{slug}",
                              ["import-eaf", "in/good.eaf", "--workspace", folder, "--case", CASE,
                               "--video", "in/other.mp4"], *mentions))
    found.append(case("demo/workspace-under-a-file",
                      ["demo", "--no-gui", "--workspace", "out/existing.csv/ws"],
                      "existing.csv", "not a folder"))
    return found


def _argument_cases() -> list[Case]:
    frame = ["frame", "in/clip.mp4", "--out", "out/new.png", "--frame"]
    cut = ["cut", "in/clip.mp4", "--out", "out/new.mp4"]
    csv = ["export", "csv", *WS, "--out", "out/new.csv"]
    clips = ["export", "clips", *WS, "--out", "out/clips"]
    eaf = ["import-eaf", "in/good.eaf", *WS, "--video", "in/other.mp4"]
    return [
        case("frame/number-huge-negative", [*frame, "-" + "9" * 30], "frame number"),
        case("frame/number-hex", [*frame, "0x10"], "whole number"),
        case("frame/number-exponent", [*frame, "1e3"], "whole number"),
        case("frame/number-empty", [*frame, ""], "whole number"),
        case("frame/number-5000-digits", [*frame, "9" * 5000], "whole number"),
        case("cut/start-after-end", [*cut, "--start-frame", "10", "--end-frame", "5"], "10", "5"),
        case("cut/end-past-the-film", [*cut, "--start-frame", "0", "--end-frame", "999"],
             "999", "past the end", "23"),
        case("cut/start-negative", [*cut, "--start-frame", "-1", "--end-frame", "5"],
             "-1", "before the start"),
        case("cut/end-huge", [*cut, "--start-frame", "0", "--end-frame", "9" * 15],
             "past the end"),
        case("cut/no-end", [*cut, "--start-frame", "0"], "--end-frame", "required"),
        case("export-csv/cycle-negative", [*csv, "--cycle", "-1"], "cycle number"),
        case("export-csv/cycle-5000-digits", [*csv, "--cycle", "9" * 5000], "cycle number"),
        case("export-csv/cycle-fraction", [*csv, "--cycle", "1.5"], "whole number"),
        case("export-csv/case-unknown", [*csv[:2], "--workspace", "ws", "--case", "FAM-99",
                                         "--out", "out/new.csv"], "FAM-99"),
        case("export-csv/case-empty", [*csv[:2], "--workspace", "ws", "--case", "",
                                       "--out", "out/new.csv"], "case"),
        case("export-csv/case-300-characters", [*csv[:2], "--workspace", "ws", "--case",
                                                "F" * 300, "--out", "out/new.csv"], "FFFF"),
        case("export-csv/case-escape-codes", [*csv[:2], "--workspace", "ws", "--case",
                                              "\x1b[2J\x1b[31mFAM", "--out", "out/new.csv"],
             "FAM"),
        case("export-csv/case-not-utf8", [*csv[:2], "--workspace", "ws", "--case",
                                          os.fsdecode(b"FAM-\xff"), "--out", "out/new.csv"],
             "not valid text"),
        case("export-csv/no-out", csv[:-2], "--out", "required"),
        case("export-csv/no-case", ["export", "csv", "--workspace", "ws", "--out", "out/x.csv"],
             "--case", "required"),
        case("export-csv/no-workspace", ["export", "csv", "--case", CASE, "--out", "out/x.csv"],
             "--workspace", "required"),
        case("export/unknown-kind", ["export", "everything", *WS, "--out", "out/x"],
             "everything"),
        case("export/no-kind", ["export"], "kind"),
        case("export-clips/pad-negative", [*clips, "--pad", "-1"], "--pad"),
        case("export-clips/pad-nan", [*clips, "--pad", "nan"], "--pad"),
        case("export-clips/captions-unknown", [*clips, "--captions", "loud"], "loud"),
        case("export-summary/audience-unknown",
             ["export", "summary", *WS, "--out", "out/s.html", "--audience", "neighbours"],
             "neighbours"),
        case("export-session/case-without-film",
             ["export", "session", "--workspace", "ws", "--case", EMPTY_CASE, "--out", "out/s"],
             EMPTY_CASE, "no recordings"),
        case("import-eaf/no-video", eaf[:-2], "--video", "required"),
        case("import-eaf/cycle-zero", [*eaf, "--cycle", "0"], "cycle number"),
        case("import-eaf/cycle-1000", [*eaf, "--cycle", "1000"], "cycle number"),
        case("import-eaf/case-unknown", ["import-eaf", "in/good.eaf", "--workspace", "ws",
                                         "--case", "FAM-99", "--video", "in/other.mp4"],
             "FAM-99"),
        case("review/case-unknown", ["review", "--workspace", "ws", "--case", "FAM-99"],
             "FAM-99"),
        case("review/cycle-zero", ["review", *WS, "--cycle", "0"], "cycle number"),
        case("probe/unknown-option", ["probe", "in/clip.mp4", "--frobnicate"], "--frobnicate"),
        case("probe/two-videos", ["probe", "in/clip.mp4", "in/other.mp4"], "other.mp4"),
        case("suggest/score-above-one", ["suggest", "in/clip.mp4", "--min-score", "1.5"], "1.5"),
        case("suggest/score-not-a-number", ["suggest", "in/clip.mp4", "--min-score", "lots"],
             "lots"),
        case("suggest/no-video", ["suggest"], "video"),
    ]


def _governance_cases() -> list[Case]:
    consent = ["consent", *WS]
    retention = ["retention", "--workspace", "ws"]
    purge = ["purge", "--workspace", "ws"]
    audit = ["audit", *WS, "--out"]
    return [
        case("consent/case-unknown", ["consent", "--workspace", "ws", "--case", "FAM-99"],
             "FAM-99"),
        case("consent/scope-unknown", [*consent, "--give", "telepathy"], "telepathy"),
        case("consent/withdraw-never-given", [*consent, "--withdraw", "supervision"],
             "supervision"),
        case("consent/workspace-garbage", ["consent", "--workspace", "wsx-garbage", "--case",
                                           CASE], "wsx-garbage"),
        case("consent/workspace-newer", ["consent", "--workspace", "wsx-newer", "--case",
                                         CASE, "--give", "training"], "newer version"),
        case("cases/workspace-foreign", ["cases", "--workspace", "wsx-foreign"],
             "another program"),
        case("cases/workspace-missing", ["cases", "--workspace", "wsx-missing"],
             "wsx-missing"),
        case("retention/until-words", [*retention, "--case", CASE, "--until", "next spring"],
             "next spring"),
        case("retention/until-no-such-day", [*retention, "--case", CASE, "--until",
                                             "2027-02-30"], "2027-02-30"),
        case("retention/until-year-99999", [*retention, "--case", CASE, "--until",
                                            "99999-01-01"], "99999-01-01"),
        case("retention/until-without-case", [*retention, "--until", "2027-01-31"], "--case"),
        case("retention/case-unknown", [*retention, "--case", "FAM-99", "--until",
                                        "2027-01-31"], "FAM-99"),
        case("retention/months-zero", [*retention, "--months", "0"], "month"),
        case("retention/months-negative", [*retention, "--months", "-6"], "month"),
        case("retention/months-huge", [*retention, "--months", "9" * 30], "month"),
        case("retention/months-5000-digits", [*retention, "--months", "9" * 5000], "months"),
        case("retention/months-words", [*retention, "--months", "six"], "six"),
        case("purge/case-unknown", [*purge, "--case", "FAM-99", "--yes"], "FAM-99"),
        case("purge/not-confirmed", [*purge, "--case", CASE], "--yes"),
        case("purge/workspace-newer", ["purge", "--workspace", "wsx-newer", "--case", CASE,
                                       "--yes"], "newer version"),
        case("audit/case-unknown", ["audit", "--workspace", "ws", "--case", "FAM-99"],
             "FAM-99"),
        case("audit/out-in-workspace", [*audit, "ws/audit.csv"], "inside the workspace"),
        case("audit/out-workspace-db", [*audit, "ws/workspace.db", "--force"],
             "inside the workspace"),
        case("audit/out-existing", [*audit, "out/existing.csv"], "already exists", "--force"),
        case("audit/out-fifo", [*audit, "out/pipe.csv", "--force"], "FIFO",
             setup=fifo("out/pipe.csv")),
        case("audit/out-under-a-file", [*audit, "out/existing.csv/audit.csv"], "not a folder"),
        case("audit/out-line-break", [*audit, "out/a\nb.csv"], "line break"),
    ]


def _output_cases() -> list[Case]:
    frame = ["frame", "in/clip.mp4", "--frame", "0", "--out"]
    cut = ["cut", "in/clip.mp4", "--start-frame", "0", "--end-frame", "5", "--out"]

    def export(kind: str) -> list[str]:
        return ["export", kind, *WS, "--out"]

    inside, the_input, exists = "inside the workspace", "is the input", "already exists"
    found = [
        case("frame/out-is-the-input", [*frame, "in/clip.mp4", "--force"], the_input),
        case("frame/out-is-the-input-dot-slash", [*frame, "./in//clip.mp4", "--force"], the_input),
        case("frame/out-links-to-the-input", [*frame, "out/link.png", "--force"], "clip.mp4",
             setup=symlink("out/link.png", "../in/clip.mp4")),
        case("frame/out-workspace-db", [*frame, "ws/workspace.db", "--force"], inside),
        case("frame/out-workspace-copy", [*frame, MEDIA, "--force"], inside),
        case("frame/out-in-workspace", [*frame, "ws/new.png"], inside),
        case("frame/out-folder", [*frame, "out/dir.csv", "--force"], "folder"),
        case("frame/out-fifo", [*frame, "out/pipe.png", "--force"], "FIFO",
             setup=fifo("out/pipe.png")),
        case("frame/out-device", [*frame, "out/null.png", "--force"], "device",
             setup=device("out/null.png")),
        case("frame/out-existing", [*frame, "out/existing.png"], exists, "--force"),
        case("frame/out-dangling-link", [*frame, "out/gone.png", "--force"], "symbolic link",
             setup=symlink("out/gone.png", "nowhere.png")),
        case("frame/out-under-a-file", [*frame, "out/existing.png/x.png"], "not a folder"),
        case("frame/out-300-characters", [*frame, f"out/{LONG_NAME}.png"], "too long"),
        case("frame/out-empty", [*frame, ""], "folder"),
        case("cut/out-is-the-input", [*cut, "in/clip.mp4", "--force"], the_input),
        case("cut/out-is-the-input-dot-dot", [*cut, "out/../in/clip.mp4", "--force"], the_input),
        case("cut/out-hard-link-to-the-input", [*cut, "out/same.mp4", "--force"], the_input,
             setup=hardlink("out/same.mp4", "in/clip.mp4")),
        case("cut/input-through-a-link", ["cut", "out/link.mp4", "--start-frame", "0",
                                          "--end-frame", "5", "--out", "in/clip.mp4", "--force"],
             the_input, setup=symlink("out/link.mp4", "../in/clip.mp4")),
        case("cut/out-workspace-db", [*cut, "ws/workspace.db", "--force"], inside),
        case("cut/out-workspace-copy", [*cut, MEDIA, "--force"], inside),
        case("cut/out-folder", [*cut, "out/dir.csv", "--force"], "folder"),
        case("cut/out-fifo", [*cut, "out/pipe.mp4", "--force"], "FIFO",
             setup=fifo("out/pipe.mp4")),
        case("cut/out-device", [*cut, "out/null.mp4", "--force"], "device",
             setup=device("out/null.mp4")),
        case("cut/out-existing", [*cut, "out/existing.mp4"], exists, "--force"),
        case("export-csv/out-workspace-db", [*export("csv"), "ws/workspace.db", "--force"],
             inside),
        case("export-csv/out-workspace-copy", [*export("csv"), MEDIA, "--force"], the_input),
        case("export-csv/out-workspace-media", [*export("csv"), "ws/media/new.csv"], inside),
        case("export-csv/out-workspace-itself", [*export("csv"), "ws", "--force"], "ws"),
        case("export-csv/out-folder", [*export("csv"), "out/dir.csv", "--force"], "folder"),
        case("export-csv/out-fifo", [*export("csv"), "out/pipe.csv", "--force"], "FIFO",
             setup=fifo("out/pipe.csv")),
        case("export-csv/out-device", [*export("csv"), "out/null.csv", "--force"], "device",
             setup=device("out/null.csv")),
        case("export-csv/out-existing", [*export("csv"), "out/existing.csv"], exists, "--force"),
        case("export-csv/out-link-to-a-file", [*export("csv"), "out/link.csv", "--force"],
             "symbolic link", setup=symlink("out/link.csv", "existing.csv")),
        case("export-csv/out-link-to-the-db", [*export("csv"), "out/db.csv", "--force"],
             inside, setup=symlink("out/db.csv", "../ws/workspace.db")),
        case("export-csv/out-300-characters", [*export("csv"), f"out/{LONG_NAME}.csv"],
             "too long"),
        case("export-csv/out-under-a-file", [*export("csv"), "out/existing.csv/new.csv"],
             "not a folder"),
        case("export-csv/out-line-break", [*export("csv"), "out/two\nlines.csv"], "line break"),
        case("export-csv/out-not-utf8", [*export("csv"), f"out/{NOT_UTF8}"], "not valid text"),
        case("export-json/out-existing", [*export("json"), "out/existing.csv"], exists),
        case("export-json/out-workspace-db", [*export("json"), "ws/workspace.db", "--force"],
             inside),
        case("export-vtt/out-is-a-file", [*export("vtt"), "out/existing.csv"], "existing.csv",
             "not a folder"),
        case("export-vtt/out-in-workspace", [*export("vtt"), "ws/new.vtt"], inside),
        case("export-eaf/out-workspace-media", [*export("eaf"), "ws/media", "--force"], inside),
        case("export-clips/out-is-a-file", [*export("clips"), "out/existing.csv", "--force"],
             "existing.csv"),
        case("export-clips/out-workspace-media", [*export("clips"), "ws/media", "--force"],
             inside),
        case("export-clips/out-workspace-itself", [*export("clips"), "ws", "--force"], inside),
        case("export-clips/out-fifo", [*export("clips"), "out/pipe", "--force"], "FIFO",
             setup=fifo("out/pipe")),
        case("export-stills/out-is-a-file", [*export("stills"), "out/existing.png", "--force"],
             "existing.png"),
        case("export-stills/out-workspace-itself", [*export("stills"), "ws"], inside),
        case("export-reel/out-existing", [*export("reel"), "out/existing.mp4"], exists),
        case("export-reel/out-workspace-copy", [*export("reel"), MEDIA, "--force"], the_input),
        case("export-summary/out-existing", [*export("summary"), "out/existing.csv"], exists),
        case("export-summary/out-in-workspace", [*export("summary"), "ws/summary.html"], inside),
        case("export-session/out-is-a-file", [*export("session"), "out/existing.csv", "--force"],
             "existing.csv"),
        case("export-session/out-workspace-itself", [*export("session"), "ws"], inside),
    ]
    if os.geteuid() != 0:  # as root a failed check could replace the real /dev/null
        found.append(case("export-csv/out-dev-null", [*export("csv"), "/dev/null", "--force"],
                          "device"))
    return found


KNOWN_FAULTS: dict[str, str] = {
    # cases that fail today because of code outside the files this corpus may fix (none now)
}
CASES: list[Case] = [
    replace(c, xfail=KNOWN_FAULTS.get(c.id),
            timeout=5.0 if c.id == "demo/workspace-wsx-dbfifo" else c.timeout)
    for c in [*_video_cases(), *_eaf_cases(), *_codebook_cases(), *_workspace_cases(),
              *_argument_cases(), *_governance_cases(), *_output_cases()]
]
