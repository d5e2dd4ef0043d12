"""Consent as the family gave it, and the audit log of what left the workspace."""

from __future__ import annotations

from vigtool.domain.records import AuditEntry, Consent
from vigtool.store import queries
from vigtool.store.changes import utc_now
from vigtool.store.rows import from_row
from vigtool.workspace.caseload import Caseload
from vigtool.workspace.door import Door, fetch


class Privacy:
    """``ws.privacy``: consents and the append-only audit log."""

    def __init__(self, door: Door, caseload: Caseload) -> None:
        self._door = door
        self._caseload = caseload

    def add_consent(
        self,
        case_id: int,
        *,
        kind: str,
        given: bool,
        retention_until: str | None = None,
        note: str = "",
    ) -> Consent:
        """Record what the family agreed to (or did not); the audit log notes it too."""
        self._caseload.case(case_id)
        with self._door.edit("Record Consent") as rec:
            consent_id = rec.insert(
                "consents",
                {"case_id": case_id, "kind": kind, "given": int(given),
                 "recorded_at": utc_now(), "retention_until": retention_until,
                 "withdrawn_at": None, "note": note},
            )
            rec.log("consent", case_id, f"{kind}: {'given' if given else 'not given'}")
        return fetch(self._door, Consent, "consents", consent_id, "consent")

    def consents(self, case_id: int) -> list[Consent]:
        """What the family consented to, in the order recorded."""
        return [from_row(Consent, r) for r in self._door.read(queries.by_case, "consents", case_id)]

    def record_event(self, action: str, case_id: int | None, detail: str) -> None:
        """Add a line to the audit log (exports, purges, consent...): kept, never undone."""
        with self._door.edit(action, undoable=False) as rec:
            rec.log(action, case_id, detail)

    def audit_log(self, case_id: int | None = None) -> list[AuditEntry]:
        """The audit log (of one case), oldest first."""
        return [from_row(AuditEntry, r) for r in self._door.read(queries.audit_log, case_id)]
