"""The event outbox in memory."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from pairhub.adapters.memory.state import MemoryState
from pairhub.contract.render import render_fragment
from pairhub.domain.events import PairingEvent
from pairhub.domain.vocabulary import outcome_of
from pairhub.ports import EventQuery, RenderedEvent, StoredEvent


class MemoryEvents:
    """Events in one list, in seq order; `on_record` is told when events were appended."""

    def __init__(self, state: MemoryState, on_record: Callable[[], None] = lambda: None) -> None:
        self._state = state
        self._on_record = on_record

    @property
    def _rows(self) -> list[StoredEvent]:
        # Looked up on each use: a rolled-back savepoint replaces the table.
        return self._state.table("events", list)

    def record(self, events: Sequence[PairingEvent]) -> None:
        """Append events."""
        for event in events:
            self._rows.append(StoredEvent(self._state.next_seq("events"), event))
        if events:
            self._on_record()

    def read(self, query: EventQuery) -> list[StoredEvent]:
        """The events `query` describes."""
        found = [
            stored
            for stored in (reversed(self._rows) if query.newest_first else self._rows)
            if stored.event.organization_id == query.organization_id
            and stored.event.event_type in query.event_types
            and stored.seq > query.after
            and (query.upto is None or stored.seq <= query.upto)
            and (query.before is None or stored.seq < query.before)
            and (query.reason is None or stored.event.reason == query.reason)
            and (query.unit_id is None or stored.event.unit_id == query.unit_id)
            and (query.asset_id is None or stored.event.asset_id == query.asset_id)
            and (query.since_ms is None or stored.event.registered_at_ms >= query.since_ms)
            and (query.until_ms is None or stored.event.registered_at_ms < query.until_ms)
            and (
                query.unit_id_contains is None
                or query.unit_id_contains.casefold() in stored.event.unit_id.casefold()
            )
        ]
        return found[: query.limit]

    def rendered(self, query: EventQuery, version: int) -> list[RenderedEvent]:
        """The events of a plain oldest-first `query`, rendered for payload `version` as they are read."""
        found = []
        for stored in self.read(query):
            data = render_fragment(stored.event, version)
            if data is None:
                raise ValueError(f"payload version {version} has no {stored.event.event_type.value} events")
            found.append(RenderedEvent(stored.seq, stored.event.registered_at_ms, data))
        return found

    def heads(self, organization_ids: Collection[str]) -> dict[str, int]:
        """The newest seq of each organization (0 when it has none)."""
        heads = dict.fromkeys(organization_ids, 0)
        for stored in self._rows:
            if stored.event.organization_id in heads:
                heads[stored.event.organization_id] = stored.seq
        return heads

    def count_after(self, organization_id: str, after: int, event_types: Sequence[str]) -> int:
        """How many events of these types follow `after`."""
        return sum(
            1
            for stored in self._rows
            if stored.event.organization_id == organization_id
            and stored.seq > after
            and stored.event.event_type in event_types
        )

    def pruned_through(self, organization_id: str) -> int:
        """Nothing is pruned in memory: always 0."""
        return 0

    def outcomes_per_bucket(
        self, organization_id: str, start: int, end: int, bucket_ms: int
    ) -> dict[int, dict[str, int]]:
        """Events registered in [start, end) per bucket and outcome (the `reason`, or the event type)."""
        found: dict[int, dict[str, int]] = {}
        for stored in self._rows:
            event = stored.event
            if event.organization_id == organization_id and start <= event.registered_at_ms < end:
                at = start + (event.registered_at_ms - start) // bucket_ms * bucket_ms
                outcome = outcome_of(event.event_type.value, event.reason)
                bucket = found.setdefault(at, {})
                bucket[outcome] = bucket.get(outcome, 0) + 1
        return found
