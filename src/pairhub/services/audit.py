"""The audit log: who is acting in this request, entries written in the change's own transaction, reads."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pairhub.domain.access import Principal
from pairhub.domain.audit import SYSTEM, Actor, AuditAction, AuditEntry, AuditQuery, changes_between
from pairhub.domain.errors import NotFound
from pairhub.domain.subscriptions import Subscription, SubscriptionState
from pairhub.ports import Storage, UnitOfWork
from pairhub.services.pagination import Page, check_retention

_actor: ContextVar[Actor] = ContextVar("pairhub_actor", default=SYSTEM)

INSTANCE_LOG = ""
"""The organization id of the instance's own entries: platform-admin rights, accounts deleted."""


def actor_of(principal: Principal) -> Actor:
    """How the audit log names a caller."""
    return Actor(principal.actor_type, principal.actor_id, principal.actor_name)


def act_as(principal: Principal | None) -> None:
    """Record this request's changes as made by `principal` (the edge calls it once it is authorized)."""
    _actor.set(SYSTEM if principal is None else actor_of(principal))


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Changes made inside the block are recorded as `actor`'s (the command line, tests)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def note(
    uow: UnitOfWork,
    now: int,
    organization_id: str,
    action: AuditAction,
    target: tuple[str, str],
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    """Record a change in the unit of work that makes it (so both commit or neither)."""
    entry = AuditEntry(
        organization_id=organization_id,
        at=now,
        actor=_actor.get(),
        action=action,
        target_type=target[0],
        target_id=target[1],
        changes=changes_between(before or {}, after or {}),
    )
    uow.audit.record([entry])


class AuditLog:
    """Reads of the audit log."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    def list(self, query: AuditQuery, limit: int) -> Page[AuditEntry]:
        """Entries newest first; the cursor is the last entry's id."""
        with self._storage.read() as uow:
            instance = query.organization_id == INSTANCE_LOG
            if not instance and uow.organizations.get(query.organization_id) is None:
                raise NotFound(
                    "organization_not_found", f"Organization {query.organization_id} does not exist."
                )
            found = uow.audit.list(query, limit + 1)
            check_retention(query.before, found, lambda: uow.audit.oldest_id(query.organization_id), str)
        if len(found) > limit:
            return Page(found[:limit], str(found[limit - 1].id))
        return Page(found, None)

    def latest_of(self, organization_id: str, target_ids: Collection[str]) -> dict[str, AuditEntry]:
        """Who last changed each of these targets (for the pages that show it beside the object)."""
        with self._storage.read() as uow:
            return uow.audit.latest_of(organization_id, target_ids)


def subscription_facts(sub: Subscription) -> dict[str, Any]:
    """What the audit log shows of a subscription's settings (custom header values and secrets never)."""
    return {
        "url": sub.url,
        "eventVersion": sub.event_version,
        "eventNames": list(sub.event_names),
        "maxBatchSize": sub.max_batch_size,
        "maxWaitMs": sub.max_wait_ms,
        "description": sub.description,
        "state": sub.state.value,
        "headerNames": sorted(sub.custom_headers),
    }


def note_subscription(
    uow: UnitOfWork, now: int, action: AuditAction, before: Subscription | None, after: Subscription | None
) -> None:
    """Record a change of a subscription (created, changed, paused, deleted, rotated, redelivered)."""
    sub = after or before
    assert sub is not None, "a subscription change without the subscription"
    note(
        uow,
        now,
        sub.organization_id,
        action,
        ("subscription", sub.id),
        subscription_facts(before) if before else None,
        subscription_facts(after) if after else None,
    )


def change_to(state: SubscriptionState | None) -> AuditAction:
    """The action of a subscription's change: a pause, a resume, or a change of settings."""
    if state is SubscriptionState.PAUSED:
        return AuditAction.SUBSCRIPTION_PAUSED
    if state is SubscriptionState.ACTIVE:
        return AuditAction.SUBSCRIPTION_RESUMED
    return AuditAction.SUBSCRIPTION_UPDATED
