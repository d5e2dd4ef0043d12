"""The schema, as an ordered chain of named migrations.

A new workspace is built by running the whole chain, an old one by running
what it lacks, so both always end with the same schema. Never edit a
migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "vigtool"
migrations = Migrations(MIGRATION_SET)

_INITIAL_SCHEMA = (
    """CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
        helping_question TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE cycles (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        number INTEGER NOT NULL CHECK (number >= 1),
        note TEXT NOT NULL DEFAULT '',
        UNIQUE (case_id, number)
    )""",
    """CREATE TABLE recordings (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        cycle INTEGER NOT NULL CHECK (cycle >= 1),
        path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        duration_ms INTEGER NOT NULL,
        frame_count INTEGER NOT NULL CHECK (frame_count > 0),
        fps REAL NOT NULL,
        vfr INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        rotation INTEGER NOT NULL,
        has_audio INTEGER NOT NULL,
        video_codec TEXT NOT NULL,
        audio_codec TEXT NOT NULL,
        purged INTEGER NOT NULL DEFAULT 0,
        imported_at TEXT NOT NULL
    )""",
    """CREATE TABLE moments (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        start_frame INTEGER NOT NULL CHECK (start_frame >= 0),
        end_frame INTEGER NOT NULL CHECK (end_frame >= start_frame),
        codes TEXT NOT NULL DEFAULT '[]',
        title TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        strengths TEXT NOT NULL DEFAULT '',
        prompt TEXT NOT NULL DEFAULT '',
        selected_for_review INTEGER NOT NULL DEFAULT 0,
        review_order INTEGER
    )""",
    "CREATE INDEX moments_by_recording ON moments (recording_id, start_frame)",
    """CREATE TABLE turns (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        frame INTEGER NOT NULL CHECK (frame >= 0),
        actor TEXT NOT NULL CHECK (actor IN ('child', 'adult')),
        kind TEXT NOT NULL CHECK (kind IN ('initiative', 'reception', 'response')),
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX turns_by_recording ON turns (recording_id, frame)",
    """CREATE TABLE stills (
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id),
        frame INTEGER NOT NULL CHECK (frame >= 0),
        caption TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE reflections (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        cycle INTEGER NOT NULL CHECK (cycle >= 1),
        moment_id INTEGER REFERENCES moments(id),
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE goals (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        cycle INTEGER NOT NULL CHECK (cycle >= 1),
        text TEXT NOT NULL
    )""",
    """CREATE TABLE consents (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,
        given INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        retention_until TEXT,
        withdrawn_at TEXT,
        note TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        case_id INTEGER,
        detail TEXT NOT NULL DEFAULT ''
    )""",
)


@migrations(name="0001_initial")
def _initial(db: Database) -> None:
    for statement in _INITIAL_SCHEMA:
        db.execute(statement)


@migrations(name="0002_family_details")
def _family_details(db: Database) -> None:
    """The child's first name and pronoun (for wording only, never in file names),
    and the day a film was made."""
    db.execute("ALTER TABLE cases ADD COLUMN child_name TEXT NOT NULL DEFAULT ''")
    db.execute(
        "ALTER TABLE cases ADD COLUMN pronoun TEXT NOT NULL DEFAULT '' "
        "CHECK (pronoun IN ('', 'she', 'he', 'they'))"
    )
    db.execute("ALTER TABLE recordings ADD COLUMN filmed_on TEXT")



@migrations(name="0003_governance")
def _governance(db: Database) -> None:
    """Who recorded each consent; a retention date per case; when footage was purged;
    and the service's own settings (the default retention period)."""
    db.execute("ALTER TABLE consents ADD COLUMN recorded_by TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE cases ADD COLUMN retention_until TEXT")
    db.execute("ALTER TABLE recordings ADD COLUMN purged_at TEXT")
    db.execute(
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )


@migrations(name="0004_supervision")
def _supervision(db: Database) -> None:
    """The shared-review film as a kind of recording; who coded a moment, and whether
    it came in a supervision package (read-only); clips from a package, placed in
    the trainee's film; comments pinned to frames, with replies; self-assessments."""
    db.execute(
        "ALTER TABLE recordings ADD COLUMN kind TEXT NOT NULL DEFAULT 'family' "
        "CHECK (kind IN ('family', 'shared-review'))"
    )
    db.execute("ALTER TABLE recordings ADD COLUMN source_sha256 TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE recordings ADD COLUMN offset_frame INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE moments ADD COLUMN coder TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE moments ADD COLUMN locked INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE cases ADD COLUMN supervisee TEXT NOT NULL DEFAULT ''")
    db.execute(
        """CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            recording_id INTEGER NOT NULL REFERENCES recordings(id),
            start_frame INTEGER NOT NULL CHECK (start_frame >= 0),
            end_frame INTEGER NOT NULL CHECK (end_frame >= start_frame),
            parent_id INTEGER REFERENCES comments(id),
            author TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL CHECK (length(trim(text)) > 0),
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX comments_by_recording ON comments (recording_id, start_frame)")
    db.execute(
        """CREATE TABLE self_assessments (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            cycle INTEGER NOT NULL CHECK (cycle >= 1),
            used_well TEXT NOT NULL DEFAULT '[]',
            used_well_note TEXT NOT NULL DEFAULT '',
            to_develop TEXT NOT NULL DEFAULT '[]',
            to_develop_note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            UNIQUE (case_id, cycle)
        )"""
    )

@migrations(name="0005_ratings")
def _ratings(db: Database) -> None:
    """Scaling: the parent's (or the practitioner's) rating on a measure at a point of the
    work: cycle 0 is the first meeting, cycle N the review of cycle N. One rating per
    case, cycle, measure and rater: a new answer at the same point replaces the last
    (undo brings it back), so every reader agrees on which value counts."""
    db.execute(
        """CREATE TABLE ratings (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id),
            cycle INTEGER NOT NULL CHECK (cycle >= 0),
            measure TEXT NOT NULL DEFAULT 'helping-question' CHECK (length(measure) > 0),
            value INTEGER NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            rated_by TEXT NOT NULL DEFAULT 'parent'
                CHECK (rated_by IN ('parent', 'practitioner')),
            rated_at TEXT NOT NULL,
            UNIQUE (case_id, cycle, measure, rated_by)
        )"""
    )
    db.execute("CREATE INDEX ratings_by_case ON ratings (case_id, measure, cycle)")


@migrations(name="0006_goal_reached")
def _goal_reached(db: Database) -> None:
    """The day a goal was reached (ISO date), or NULL while it is still being worked on:
    the ending celebrates the goals a family reached."""
    db.execute("ALTER TABLE goals ADD COLUMN reached_on TEXT")


@migrations(name="0007_dismissed_suggestions")
def _dismissed_suggestions(db: Database) -> None:
    """Suggested moments the practitioner set aside, by the span the analysis gave them
    (ms from the first frame), so the Suggestions lane keeps them hidden; dismissing is
    an undo step like any edit."""
    db.execute(
        """CREATE TABLE dismissed_suggestions (
            id INTEGER PRIMARY KEY,
            recording_id INTEGER NOT NULL REFERENCES recordings(id),
            start_ms INTEGER NOT NULL CHECK (start_ms >= 0),
            end_ms INTEGER NOT NULL CHECK (end_ms > start_ms),
            dismissed_at TEXT NOT NULL,
            UNIQUE (recording_id, start_ms, end_ms)
        )"""
    )


def known_migration_names() -> frozenset[str]:
    """Every migration this version knows (all are pending on an empty database)."""
    return frozenset(m.name for m in migrations.pending(Database(memory=True)))
