"""The organization's audit log: every change, who made it, and the fields before and after."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from pairhub.domain.audit import AuditEntry, AuditQuery
from pairhub.entrypoints.api.deps import DEFAULT_LIMIT, AfterDep, ContainerDep, LimitDep, OrgIdDep
from pairhub.entrypoints.api.presenters import iso
from pairhub.entrypoints.api.problems import BEYOND_RETENTION_RESPONSES, ApiError
from pairhub.entrypoints.api.routers.pairings import parse_instant
from pairhub.entrypoints.api.schemas import PageOut
from pairhub.entrypoints.parsing import sequence_number
from pairhub.services.audit import INSTANCE_LOG, AuditLog

router = APIRouter(prefix="/v1/organizations/{org_id}/audit-log", tags=["audit log"])
instance_router = APIRouter(prefix="/v1/audit-log", tags=["audit log"])
Filter = Annotated[str | None, Query(max_length=100)]


class ActorOut(BaseModel):
    """Who made the change."""

    type: str = Field(description="`person`, `apiKey`, `admin`, `commandLine` or `system` (auto pairing).")
    id: str | None
    name: str


class TargetOut(BaseModel):
    """What was changed."""

    type: str
    id: str


class AuditEntryOut(BaseModel):
    """One change."""

    id: str
    time: str
    actor: ActorOut
    action: str
    target: TargetOut
    changes: dict[str, list[Any]] = Field(
        description="Each changed field: `[before, after]`. Never a secret."
    )


def entry(record: AuditEntry) -> dict[str, Any]:
    """The shape of an entry."""
    return {
        "id": str(record.id),
        "time": iso(record.at),
        "actor": {"type": record.actor.type.value, "id": record.actor.id, "name": record.actor.name},
        "action": record.action.value,
        "target": {"type": record.target_type, "id": record.target_id},
        "changes": {name: list(pair) for name, pair in record.changes.items()},
    }


def parse_cursor(after: str | None) -> int | None:
    """The entry id a page continues below, or 400 `invalid_cursor`."""
    if after is None:
        return None
    number = sequence_number(after)
    if number is None:
        raise ApiError(400, "invalid_cursor", "`after` is the `nextCursor` of the previous page.")
    return number


Since = Annotated[str | None, Query(max_length=64, description="ISO 8601 with an offset.")]
TargetId = Annotated[str | None, Query(alias="targetId", max_length=100)]


def _page(
    log: AuditLog, organization_id: str, filters: tuple[str | None, ...], after: str | None, limit: int
) -> dict[str, Any]:
    actor, action, target_id, since, until = filters
    query = AuditQuery(
        organization_id=organization_id,
        actor_id=actor or None,
        action=action or None,
        target_id=target_id or None,
        since=None if since is None else parse_instant(since, "since"),
        until=None if until is None else parse_instant(until, "until"),
        before=parse_cursor(after),
    )
    page = log.list(query, limit)
    return {"data": [entry(e) for e in page.items], "nextCursor": page.next_cursor}


@router.get("", response_model=PageOut[AuditEntryOut], responses=BEYOND_RETENTION_RESPONSES)
def audit_log(
    org_id: OrgIdDep,
    c: ContainerDep,
    actor: Filter = None,
    action: Filter = None,
    target_id: TargetId = None,
    since: Since = None,
    until: Since = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Changes newest first, filtered by actor id, action, target id and time."""
    return _page(c.audit, org_id, (actor, action, target_id, since, until), after, limit)


@instance_router.get("", response_model=PageOut[AuditEntryOut], responses=BEYOND_RETENTION_RESPONSES)
def instance_audit_log(
    c: ContainerDep,
    actor: Filter = None,
    action: Filter = None,
    target_id: TargetId = None,
    since: Since = None,
    until: Since = None,
    after: AfterDep = None,
    limit: LimitDep = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The instance's own changes (platform admin): platform-admin rights granted or taken, people deleted."""
    return _page(c.audit, INSTANCE_LOG, (actor, action, target_id, since, until), after, limit)
