"""Consent as the family gave it, retention dates, and the audit log of what left."""

from __future__ import annotations

import getpass
from datetime import date

from vigtool.domain.consent import ScopeState, check_scope, consent_state, missing_consent_message
from vigtool.domain.records import AuditEntry, Consent
from vigtool.domain.retention import DEFAULT_MONTHS, Retention, retention_for
from vigtool.errors import ConsentMissing, InvalidEdit
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, fetch

RETENTION_KEY = "retention_months"


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container, a service account)
        return ""


class Privacy:
    """``ws.privacy``: consents, retention dates and the append-only audit log.

    Consent and retention records are not undoable: a mistake is put right by
    recording the correct consent, and the log keeps both.
    """

    def __init__(self, door: Door, caseload: Caseload) -> None:
        self._door = door
        self._caseload = caseload

    # -- consent ----------------------------------------------------------------------------

    def add_consent(
        self,
        case_id: int,
        *,
        kind: str,
        given: bool,
        retention_until: str | None = None,
        note: str = "",
        recorded_by: str | None = None,
    ) -> Consent:
        """Record what the family agreed to (or did not) today; the audit log notes it too.

        ``kind`` is one of ``filming``, ``shared-review``, ``supervision``,
        ``intervision``, ``training``, ``keep-clips``. ``recorded_by`` defaults
        to the computer's login name.
        """
        case = self._caseload.case(case_id)
        try:
            check_scope(kind)
        except ValueError as exc:
            raise InvalidEdit(str(exc)) from exc
        who = _who() if recorded_by is None else recorded_by.strip()
        with self._door.edit("Record Consent", undoable=False) as rec:
            consent_id = rec.insert(
                "consents",
                {"case_id": case_id, "kind": kind, "given": int(given),
                 "recorded_at": utc_now(), "retention_until": retention_until,
                 "withdrawn_at": None, "note": note, "recorded_by": who},
            )
            said = "given" if given else "not given"
            by = f" by {who}" if who else ""
            rec.log("consent", case_id, f"{case.code}: {kind} {said}{by}")
        return fetch(self._door, Consent, "consents", consent_id, "consent")

    def withdraw_consent(
        self, case_id: int, *, kind: str, recorded_by: str | None = None
    ) -> Consent:
        """The family withdraws consent to ``kind`` from now on (recorded and logged).

        Raises InvalidEdit when that consent is not in force.
        """
        case = self._caseload.case(case_id)
        state = self.consent_state(case_id).get(kind)
        if state is None:
            raise InvalidEdit(f"{kind!r} is not a consent scope")
        if not state.granted:
            raise InvalidEdit(f"case {case.code} has no consent to {kind} in force to withdraw")
        current = [c for c in self.consents(case_id) if c.kind == kind][-1]
        who = _who() if recorded_by is None else recorded_by.strip()
        with self._door.edit("Withdraw Consent", undoable=False) as rec:
            rec.update("consents", current.id, {"withdrawn_at": utc_now()})
            rec.log("consent", case_id,
                    f"{case.code}: {kind} withdrawn" + (f" (recorded by {who})" if who else ""))
        return fetch(self._door, Consent, "consents", current.id, "consent")

    def consents(self, case_id: int) -> list[Consent]:
        """Every consent record of the case, in the order recorded (the history)."""
        return [from_row(Consent, r) for r in self._door.read(queries.by_case, "consents", case_id)]

    def consent_state(self, case_id: int) -> dict[str, ScopeState]:
        """Each scope's current state for the case: given, not given, withdrawn, not asked."""
        return consent_state(self.consents(case_id))

    def has_consent(self, case_id: int, kind: str) -> bool:
        """Whether consent to ``kind`` is in force for the case."""
        check_scope(kind)
        return self.consent_state(case_id)[kind].granted

    def require_consent(self, case_id: int, kind: str, doing: str) -> None:
        """Raise ConsentMissing (one line: what is missing, how to record it) unless
        consent to ``kind`` is in force; ``doing`` says what was asked ("import a film")."""
        check_scope(kind)
        state = self.consent_state(case_id)[kind]
        if not state.granted:
            code = self._caseload.case(case_id).code
            raise ConsentMissing(missing_consent_message(code, state, doing))

    # -- retention --------------------------------------------------------------------------

    @property
    def retention_months(self) -> int:
        """The service's default: raw film is kept this many months after the last filming."""
        value = self._door.read(queries.setting, RETENTION_KEY)
        return int(value) if value is not None else DEFAULT_MONTHS

    def set_retention_months(self, months: int) -> None:
        """Change the service-wide default retention period (1 to 120 months)."""
        if not 1 <= months <= 120:
            raise InvalidEdit("the retention period is 1 to 120 months")
        with self._door.edit("Retention Period", undoable=False) as rec:
            rec.put_setting(RETENTION_KEY, str(months))
            rec.log("retention", None, f"default retention period set to {months} months")

    def set_retention_until(self, case_id: int, until: str | None) -> Retention:
        """Set the case's own retention date (ISO), or None for the service default."""
        case = self._caseload.case(case_id)
        if until is not None:
            try:
                until = date.fromisoformat(until.strip()).isoformat()
            except ValueError as exc:
                raise InvalidEdit(f"{until!r} is not a date (write 2026-11-29)") from exc
        with self._door.edit("Retention Date", undoable=False) as rec:
            rec.update("cases", case_id, {"retention_until": until})
            rec.log("retention", case_id,
                    f"{case.code}: raw film to be deleted by {until or 'the default date'}")
        return self.retention(case_id)

    def retention(self, case_id: int, *, today: date | None = None) -> Retention:
        """The case's retention date and where it stands today."""
        case = self._caseload.case(case_id)
        recordings = self._door.read(queries.recordings, case_id)
        return retention_for(
            case_id,
            set_until=case.retention_until,
            last_filmed=self._door.read(queries.last_filmed, case_id),
            default_months=self.retention_months,
            has_raw_film=any(not r["purged"] for r in recordings),
            today=today or date.today(),
        )

    def retention_due(self, *, today: date | None = None) -> list[tuple[str, Retention]]:
        """Cases whose raw film is due to be deleted soon or already (code, retention)."""
        found = []
        for case in self._caseload.cases():
            r = self.retention(case.id, today=today)
            if r.status in ("soon", "due"):
                found.append((case.code, r))
        return sorted(found, key=lambda item: item[1].days_left or 0)

    # -- the audit log ----------------------------------------------------------------------

    def record_event(self, action: str, case_id: int | None, detail: str) -> int:
        """Add a line to the audit log (exports, purges, consent...): kept, never undone.
        Returns the line's id."""
        with self._door.edit(action, undoable=False) as rec:
            return rec.log(action, case_id, detail)

    def audit_log(self, case_id: int | None = None) -> list[AuditEntry]:
        """The audit log (of one case), oldest first."""
        return [from_row(AuditEntry, r) for r in self._door.read(queries.audit_log, case_id)]
