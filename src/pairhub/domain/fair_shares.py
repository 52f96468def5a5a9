"""Delivery slots shared by organization: which subscriptions may start an attempt now.

A worker's pool (`PAIRHUB_DELIVERY_CONCURRENCY`) is split equally among the organizations that have
attempts in flight or work waiting; a share one organization does not use is lent to the others, the
least served first. A subscription holds at most one slot (one attempt in flight each).

An organization may always fill its own share, even while the pool is full of slots lent to others:
a lent slot is held by an attempt that cannot be taken back before its receiver answers or times out,
so without this an organization coming back would wait for other tenants' slow receivers. The pool
therefore runs over by what was lent, at most, and only until those attempts end (one delivery
timeout); a receiver that never answers costs its own organization's share and nothing else.
"""

from __future__ import annotations

import heapq
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A subscription with due work and no live lease, in the order the claim found it."""

    subscription_id: str
    organization_id: str


def share(pool: int, organizations: int) -> int:
    """Each active organization's own share of the pool (at least one slot)."""
    return max(1, pool // max(1, organizations))


def admit(pool: int, in_flight: Mapping[str, int], candidates: Sequence[Candidate]) -> list[str]:
    """The candidates that start now, in order: each organization up to its share, then the lent slots.

    `in_flight` counts the slots each organization holds already (attempts in flight, and subscriptions
    about to continue). Candidates are taken in their order within an organization.
    """
    if pool <= 0 or not candidates:
        return []
    active = {org for org, count in in_flight.items() if count > 0}
    active.update(candidate.organization_id for candidate in candidates)
    own = share(pool, len(active))
    used = Counter({org: count for org, count in in_flight.items() if count > 0})
    # Slots held within their organization's share: what the pool's owners use of it.
    owned = sum(min(count, own) for count in used.values())
    admitted: list[str] = []
    waiting: dict[str, deque[str]] = {}
    for candidate in candidates:
        org = candidate.organization_id
        if used[org] < own and owned < pool:
            used[org] += 1
            owned += 1
            admitted.append(candidate.subscription_id)
        else:
            waiting.setdefault(org, deque()).append(candidate.subscription_id)
    free = pool - sum(used.values())
    # Lend what is free, one slot at a time to the organization that holds the fewest.
    order = {org: index for index, org in enumerate(waiting)}
    heap = [(used[org], order[org], org) for org in waiting]
    heapq.heapify(heap)
    while free > 0 and heap:
        count, index, org = heapq.heappop(heap)
        queue = waiting[org]
        admitted.append(queue.popleft())
        free -= 1
        if queue:
            heapq.heappush(heap, (count + 1, index, org))
    return admitted
