"""Persisting unit transitions in bulk, over the repositories of any unit of work (SQL or memory).

One implementation for every backend: the repositories underneath write many rows per statement
(one executemany per table on SQL), and this decides what each transition writes by comparing the
record before and after.
"""

from __future__ import annotations

from collections.abc import Sequence

from pairhub.domain.pairings import PairingRecord
from pairhub.domain.transitions import Transition
from pairhub.domain.units import Unit
from pairhub.ports.repositories import (
    AuditRepository,
    DiagnosisRepository,
    PairingRepository,
    UnitRepository,
)
from pairhub.ports.storage import EventStore


def apply(
    transitions: Sequence[Transition],
    units: UnitRepository,
    pairings: PairingRepository,
    events: EventStore,
    diagnoses: DiagnosisRepository,
    audit: AuditRepository,
) -> list[PairingRecord]:
    """Write `transitions` in order; returns the history entries they closed.

    The pairings auto pairing makes are recorded in the audit log here, in the same bulk write: one
    more multi-row insert in the transaction only when a request pairs something (rare next to its
    messages), and none on the steady path where nothing changes pairing.
    """
    if not transitions:
        return []
    last: dict[str, Unit] = {}
    for transition in transitions:
        # A transition with events nearly always changes its unit: skip comparing the two records.
        if transition.events or transition.after.id in last or transition.after != transition.before:
            last[transition.after.id] = transition.after
    # A unit that changes twice in one request is written once, as it ends (one row per unit).
    units.save_many(list(last.values()))
    closed = _history(transitions, pairings)
    events.record([event for transition in transitions for event in transition.events])
    found = [diagnosis for transition in transitions for diagnosis in transition.diagnoses]
    if found:
        diagnoses.add_many(found)
    audited = [entry for entry in (transition.system_audit() for transition in transitions) if entry]
    if audited:
        audit.record(audited)
    return closed


def _history(transitions: Sequence[Transition], pairings: PairingRepository) -> list[PairingRecord]:
    """Open and close the history entries, one bulk insert per (who, channel) of consecutive openings."""
    opening: dict[tuple[str, str], list[Unit]] = {}
    closed: list[PairingRecord] = []

    def flush() -> None:
        for (paired_by, via), paired in opening.items():
            pairings.open(paired, paired_by=paired_by, paired_via=via)
        opening.clear()

    for transition in transitions:
        if transition.closes:
            flush()  # an entry opened earlier in the same call must exist before it is closed
            closed.append(
                pairings.close(
                    transition.before.organization_id,
                    transition.before.id,
                    transition.unpaired_at,
                    unpaired_by=transition.unpaired_by,
                    unpaired_via=transition.via,
                )
            )
        if transition.opens:
            opening.setdefault((transition.paired_by, transition.via), []).append(transition.after)
    flush()
    return closed
