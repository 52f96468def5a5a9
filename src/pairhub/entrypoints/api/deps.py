"""Dependencies shared by the routers: the container, the caller, and organization scoping."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pairhub.bootstrap import Container
from pairhub.entrypoints.api.problems import ApiError
from pairhub.services.auth import Principal, Role
from pairhub.services.pagination import DEFAULT_LIMIT, MAX_LIMIT

_bearer = HTTPBearer(auto_error=False, description="Admin token, organization API key or ingest token.")


async def get_container(request: Request) -> Container:
    """The process's container."""
    # async: FastAPI runs a plain function dependency on the thread pool, a hop per request for a read.
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_principal(
    container: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller, or 401."""
    if credentials is None or not credentials.credentials:
        raise ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.")
    principal = container.authenticator.authenticate(credentials.credentials)
    if principal is None:
        raise ApiError(401, "unauthorized", "The token is unknown or has been revoked.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_admin(principal: PrincipalDep) -> Principal:
    """Only the admin token passes."""
    # async, as `get_container`: a check in memory needs no thread of its own.
    if not principal.is_admin:
        raise ApiError(403, "admin_only", "Only the admin token may do this.")
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


async def require_ingest(principal: PrincipalDep) -> Principal:
    """The ingest token or the admin token."""
    # async, as `require_admin`.
    if principal.role not in (Role.INGEST, Role.ADMIN):
        raise ApiError(403, "ingest_only", "Only the ingest or admin token may post unit messages.")
    return principal


IngestDep = Annotated[Principal, Depends(require_ingest)]


async def require_organization(principal: PrincipalDep, org_id: Annotated[str, Path(max_length=64)]) -> str:
    """The organization in the path, when the caller may touch it.

    Another organization's id answers exactly like an id that does not exist, so keys cannot probe.
    """
    # async, as `require_admin`.
    if principal.role is Role.INGEST:
        raise ApiError(403, "forbidden", "The ingest token may only post unit messages.")
    if not principal.may_access(org_id):
        raise ApiError(404, "organization_not_found", f"Organization {org_id} does not exist.")
    return org_id


OrgIdDep = Annotated[str, Depends(require_organization)]
LimitDep = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
AfterDep = Annotated[str | None, Query(max_length=200, description="Cursor from `nextCursor`.")]

__all__ = ["DEFAULT_LIMIT"]


def no_store(response: Response) -> None:
    """An answer that carries a secret is kept by no cache (the secret is shown once)."""
    response.headers["Cache-Control"] = "no-store"


NO_STORE = [Depends(no_store)]
"""The `dependencies` of a route whose answer carries a secret."""
