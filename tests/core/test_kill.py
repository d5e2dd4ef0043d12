"""Kill -9 in the middle of editing loses nothing that was acknowledged.

A child process edits a real workspace through the Workspace API (add, move,
recode, delete moments, mark turns, undo, redo) and prints each result the
moment the call returns. The parent SIGKILLs it at a random instant, 25 times
against the same workspace, and after every kill checks with plain sqlite3
that the database is intact and holds exactly what was acknowledged: the
only allowed difference is the one edit that was in flight (it may or may
not have landed, but never half).

The parent keeps its own model of the rows and of the child's undo and redo
stacks, so it also checks that undo and redo restore exactly the rows they
should. After every kill it reopens the workspace at once: the killed
child's writer lock is the system's to release, so WorkspaceBusy there is a
defect. Imports and exports are killed in test_kill_imports.py and
test_kill_exports.py; the children and checks they share are in
kill_children.py.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sample_clips.kinds import H264_BFRAMES, make_video
from tests.consent import filmed_case
from tests.core.kill_children import (
    Tally,
    Trigger,
    check_database,
    partials,
    reopen,
    run_and_kill,
)
from vigtool.workspace import DB_NAME, Workspace

KILLS = 25
SEED = 1789
FRAMES = 30

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

CHILD = r'''
import json
import random
import sys

from vigtool.errors import NotFound, NothingToUndo
from vigtool.workspace import Workspace

root, recording_id, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
CODES = ["attentive", "encouraging", "receiving", "attuned", "guiding"]
ACTORS = ["child", "adult"]
KINDS = ["initiative", "reception", "response"]


def say(tag, payload):
    print(tag, json.dumps(payload, sort_keys=True), flush=True)


def moment_state(moment_id):
    try:
        m = ws.annotations.moment(moment_id)
    except NotFound:
        return None
    return [m.start_frame, m.end_frame, list(m.codes), m.title]


def turn_state(turn_id):
    for t in ws.annotations.turns(recording_id):
        if t.id == turn_id:
            return [t.frame, t.actor.value, t.kind.value]
    return None


def span():
    start = rng.randrange(last + 1)
    return start, rng.randrange(start, last + 1)


ws = Workspace.open(root)
last = ws.library.recording(recording_id).frame_count - 1
say("ready", {})
step = 0
while True:
    step += 1
    ids = [m.id for m in ws.moments(recording_id)]
    roll = rng.random()
    if roll < 0.30 or not ids:
        start, end = span()
        codes = rng.sample(CODES, rng.randrange(3))
        title = f"s{seed}-{step}"
        say("intent", {"op": "add_moment", "state": [start, end, codes, title]})
        m = ws.add_moment(recording_id, start_frame=start, end_frame=end, codes=codes,
                          title=title)
        say("ack", {"moments": {m.id: moment_state(m.id)}})
    elif roll < 0.55:
        moment_id = rng.choice(ids)
        fields = {}
        if rng.random() < 0.6:
            fields["start_frame"], fields["end_frame"] = span()
        if rng.random() < 0.5:
            fields["codes"] = rng.sample(CODES, rng.randrange(4))
        if not fields or rng.random() < 0.3:
            fields["title"] = rng.choice(["", "first smile", f"s{seed}-{step}"])
        say("intent", {"op": "update_moment", "id": moment_id, "fields": fields})
        ws.update_moment(moment_id, **fields)
        say("ack", {"moments": {moment_id: moment_state(moment_id)}})
    elif roll < 0.65:
        moment_id = rng.choice(ids)
        say("intent", {"op": "delete_moment", "id": moment_id})
        ws.delete_moment(moment_id)
        say("ack", {"moments": {moment_id: moment_state(moment_id)}})
    elif roll < 0.80:
        state = [rng.randrange(last + 1), rng.choice(ACTORS), rng.choice(KINDS)]
        say("intent", {"op": "add_turn", "state": state})
        t = ws.add_turn(recording_id, frame=state[0], actor=state[1], kind=state[2])
        say("ack", {"turns": {t.id: turn_state(t.id)}})
    else:
        op = "undo" if roll < 0.92 else "redo"
        say("intent", {"op": op})
        try:
            changes = ws.undo() if op == "undo" else ws.redo()
        except NothingToUndo:
            say("ack", {"nothing": True})
            continue
        say("ack", {
            "moments": {i: moment_state(i) for i in changes.ids("moments")},
            "turns": {i: turn_state(i) for i in changes.ids("turns")},
        })
'''

Key = tuple[str, int]  # ("moments" | "turns", row id)
State = list[Any]  # moments: [start, end, codes, title]; turns: [frame, actor, kind]
Change = tuple[Key, State | None, State | None]  # key, before, after


@dataclass
class Model:
    """What the database must hold, and the child's undo/redo stacks, per the acks."""

    rows: dict[Key, State]
    undo: list[Change] = field(default_factory=list)
    redo: list[Change] = field(default_factory=list)
    acks: int = 0

    def after(self, intent: dict[str, Any]) -> dict[Key, State | None]:
        """The rows an edit (not an add) leaves behind, from the model alone."""
        op = intent["op"]
        if op == "update_moment":
            key = ("moments", intent["id"])
            start, end, codes, title = self.rows[key]
            fields = intent["fields"]
            return {key: [
                fields.get("start_frame", start),
                fields.get("end_frame", end),
                list(dict.fromkeys(fields.get("codes", codes))),
                fields.get("title", title),
            ]}
        if op == "delete_moment":
            return {("moments", intent["id"]): None}
        if op in ("undo", "redo"):
            stack = self.undo if op == "undo" else self.redo
            if not stack:
                return {}
            key, before, after = stack[-1]
            return {key: before if op == "undo" else after}
        raise AssertionError(op)

    def apply(self, intent: dict[str, Any], ack: dict[str, Any]) -> None:
        """Check the child's acknowledged rows against the model, then take them in."""
        self.acks += 1
        acked = {
            (table, int(row_id)): state
            for table in ("moments", "turns")
            for row_id, state in ack.get(table, {}).items()
        }
        op = intent["op"]
        if op in ("add_moment", "add_turn"):
            [(key, state)] = acked.items()
            assert key[0] == op.removeprefix("add_") + "s"
            assert key not in self.rows, f"{key} reused while it still exists"
            assert state == intent["state"], (intent, ack)
            self._edit(key, None, state)
            return
        if op in ("undo", "redo"):
            stack, other = (self.undo, self.redo) if op == "undo" else (self.redo, self.undo)
            if ack.get("nothing"):
                assert not stack, f"{op} found nothing, but the model has {stack[-1]}"
                return
            assert stack, f"{op} changed {acked} though the model's stack is empty"
            expected = self.after(intent)
            assert acked == expected, (intent, acked, expected)
            self._set(expected)
            other.append(stack.pop())
            return
        expected = self.after(intent)
        assert acked == expected, (intent, acked, expected)
        [(key, state)] = expected.items()
        before = self.rows.get(key)
        if before != state:  # an update that changes nothing records no undo step
            self._edit(key, before, state)

    def _edit(self, key: Key, before: State | None, after: State | None) -> None:
        self._set({key: after})
        self.undo.append((key, before, after))
        self.redo.clear()

    def _set(self, states: dict[Key, State | None]) -> None:
        for key, state in states.items():
            if state is None:
                self.rows.pop(key, None)
            else:
                self.rows[key] = state


def read_rows(db: Path) -> dict[Key, State]:
    """All moments and turns, read with plain sqlite3 (read-only, so the WAL stays hot)."""
    check_database(db)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        rows: dict[Key, State] = {}
        for row_id, start, end, codes, title in conn.execute(
            "SELECT id, start_frame, end_frame, codes, title FROM moments"
        ):
            rows["moments", row_id] = [start, end, json.loads(codes), title]
        for row_id, frame, actor, kind in conn.execute(
            "SELECT id, frame, actor, kind FROM turns"
        ):
            rows["turns", row_id] = [frame, actor, kind]
        return rows
    finally:
        conn.close()


def check_after_kill(
    model: Model, pending: dict[str, Any] | None, found: dict[Key, State]
) -> None:
    """``found`` must be the model, or the model plus the whole in-flight edit."""
    if found == model.rows:
        return
    assert pending is not None, diff(model.rows, found)
    if pending["op"] in ("add_moment", "add_turn"):
        table = pending["op"].removeprefix("add_") + "s"
        extra = {k: v for k, v in found.items() if k not in model.rows}
        assert [k[0] for k in extra] == [table], diff(model.rows, found)
        assert list(extra.values()) == [pending["state"]], (pending, extra)
        landed = {**model.rows, **extra}
    else:
        landed = dict(model.rows)
        for key, state in model.after(pending).items():
            if state is None:
                landed.pop(key, None)
            else:
                landed[key] = state
    assert found == landed, (pending, diff(model.rows, found))


def diff(expected: dict[Key, State], found: dict[Key, State]) -> dict[str, Any]:
    keys = sorted(set(expected) | set(found))
    return {
        f"{t}:{i}": (expected.get((t, i)), found.get((t, i)))
        for t, i in keys
        if expected.get((t, i)) != found.get((t, i))
    }


def test_sigkill_while_editing_keeps_every_acknowledged_edit(tmp_path: Path) -> None:
    clip = make_video(tmp_path / "dyad.mp4", H264_BFRAMES, frames=FRAMES, seconds_audio=False)
    root = tmp_path / "workspace"
    with Workspace.open(root) as ws:
        case_id = filmed_case(ws, "K-01")
        recording_id = ws.import_recording(case_id, path=clip.path).id
    db = root / DB_NAME
    script = tmp_path / "edit_forever.py"
    script.write_text(CHILD, encoding="utf-8")

    rng = random.Random(SEED)
    model = Model(rows=read_rows(db))
    tally = Tally("edits")
    for kill in range(KILLS):
        delay_s = rng.uniform(0.020, 0.400)
        # Every fifth child is killed counted from its start: often while it opens.
        steps = [] if kill % 5 == 4 else [lambda line: line == "ready {}"]
        session = run_and_kill(
            [sys.executable, str(script), str(root), str(recording_id), str(SEED + kill)],
            Trigger(steps, delay_s), tmp_path / f"child-{kill}.err",
        )
        tally.kills += 1
        assert session.returncode == -signal.SIGKILL, (
            f"child {kill} ended by itself ({session.returncode}):\n{session.stderr}"
        )
        pending: dict[str, Any] | None = None
        for line in session.lines:
            tag, _, payload = line.partition(" ")
            if tag == "intent":
                assert pending is None, f"two edits in flight: {pending}, {payload}"
                pending = json.loads(payload)
            elif tag == "ack":
                assert pending is not None, f"ack without intent: {payload}"
                model.apply(pending, json.loads(payload))
                pending = None
            else:
                assert tag == "ready", line

        assert not (root / f"{DB_NAME}-journal").exists()
        found = read_rows(db)
        try:
            check_after_kill(model, pending, found)
        except AssertionError as exc:
            tally.lost += max(len(diff(model.rows, found)) - (pending is not None), 1)
            tally.problem(kill, str(exc))
        reopen(root, kill).close()  # the sweep runs; WorkspaceBusy here fails the test
        if left := partials(root):
            tally.problem(kill, f"left in the workspace: {left}")
        tally.acknowledged += model.acks
        model = Model(rows=found)  # the next child starts with empty undo history

    tally.report()
    assert not tally.problems, "\n".join(tally.problems)
    assert tally.acknowledged >= 3 * KILLS, f"only {tally.acknowledged} edits acknowledged"
    with Workspace.open(root) as ws:
        moments = {
            ("moments", m.id): [m.start_frame, m.end_frame, list(m.codes), m.title]
            for m in ws.moments(recording_id)
        }
        turns = {("turns", t.id): [t.frame, t.actor.value, t.kind.value]
                 for t in ws.annotations.turns(recording_id)}
        assert {**moments, **turns} == model.rows
        assert ws.caseload.case(case_id).code == "K-01"
        assert ws.library.recording(recording_id).frame_count == FRAMES
        ws.add_moment(recording_id, start_frame=0, end_frame=FRAMES - 1, title="after the storm")
    check_database(db)
