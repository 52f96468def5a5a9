"""Dependencies shared by the routers: the container, the caller, its authorization, organization scoping."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from pairhub.bootstrap import Container
from pairhub.domain.access import Action, Decision, Principal, decide
from pairhub.entrypoints import listing
from pairhub.entrypoints.api.problems import ApiError
from pairhub.entrypoints.policies import action_of
from pairhub.services import audit
from pairhub.services.auth import API_KEY_PREFIX
from pairhub.services.pagination import DEFAULT_LIMIT, MAX_LIMIT

# Declared so that the OpenAPI document shows the bearer scheme; the token is read in `authorize`.
_bearer = HTTPBearer(auto_error=False, description="Admin token, organization API key or ingest token.")
_REFUSALS = {
    Action.PLATFORM_MANAGE: ("admin_only", "Only the admin may do this."),
    Action.UNIT_MESSAGES_POST: ("ingest_only", "Only the ingest or admin token may post unit messages."),
}


async def get_container(request: Request) -> Container:
    """The process's container."""
    # async: FastAPI runs a plain function dependency on the thread pool, a hop per request for a read.
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authorize(request: Request) -> None:
    """Decide the request by the policy table: its route's action, its caller, its organization.

    Runs before every route; the UI's pages are decided by the UI's own function, on its session.
    """
    route = request.scope.get("route")
    path: str = getattr(route, "path", "")
    action = action_of(request.method, path)
    if path.startswith("/ui"):
        # The UI's pages decide on the session instead of a bearer token (it reads the database).
        audit.act_as(await run_in_threadpool(request.app.state.ui_authorize, request, action))
        return
    if action is None:
        # Fail closed: an operation nobody declared an action for is nobody's.
        raise ApiError(403, "forbidden", "This operation has no access policy.")
    token = _bearer_token(request)
    principal = None
    if token is not None:
        authenticator = request.app.state.container.authenticator
        # Only an API key is looked up in the database, unless it was lately (the request's own units of
        # work confirm it then); the tokens are compared in memory, on the loop.
        if token.startswith(API_KEY_PREFIX):
            principal = authenticator.recall(token) or await run_in_threadpool(
                authenticator.authenticate, token
            )
        else:
            principal = authenticator.authenticate(token)
    request.state.principal = principal
    org_id = request.path_params.get("org_id")
    decision = decide(principal, action, org_id)
    if decision is Decision.ALLOW:
        # The changes this request makes are recorded in the audit log as this caller's.
        audit.act_as(principal)
        return
    if decision is Decision.UNAUTHENTICATED:
        if token is None:
            raise ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.")
        raise ApiError(401, "unauthorized", "The token is unknown, expired or has been revoked.")
    if decision is Decision.NOT_FOUND:
        # Another organization's id answers exactly like an id that does not exist, so keys cannot probe.
        raise ApiError(404, "organization_not_found", f"Organization {org_id} does not exist.")
    code, detail = _REFUSALS.get(action, ("forbidden", f"This key or token may not take `{action}`."))
    raise ApiError(403, code, detail)


async def get_principal(request: Request, _: Annotated[object, Depends(_bearer)]) -> Principal:
    """The caller `authorize` let through (401 when a route that needs one has none)."""
    # async, as `get_container`: `authorize` already did the work.
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise ApiError(401, "unauthorized", "Send `Authorization: Bearer <token>`.")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]
AdminDep = PrincipalDep
"""Routes of the platform admin (the policy table says who passes)."""
IngestDep = PrincipalDep
"""The unit-message route (the policy table says who passes)."""


async def require_organization(org_id: Annotated[str, Path(max_length=64)], _: PrincipalDep) -> str:
    """The organization in the path (`authorize` decided whether the caller may touch it)."""
    return org_id


OrgIdDep = Annotated[str, Depends(require_organization)]

_DECLARED: dict[int, frozenset[str]] = {}


def _declared_query(route: APIRoute) -> frozenset[str]:
    """The query parameters a route and its dependencies declare (worked out once per route)."""
    found = _DECLARED.get(id(route))
    if found is None:
        names: set[str] = set()
        waiting: list[Dependant] = [route.dependant]
        while waiting:
            dependant = waiting.pop()
            names.update(param.alias for param in dependant.query_params)
            waiting.extend(dependant.dependencies)
        found = _DECLARED[id(route)] = frozenset(names)
    return found


async def refuse_unread_input(request: Request) -> None:
    """422 for input the operation would not read: `unknown_parameter` for a query parameter it does not
    declare, `unexpected_body` for a body sent to an operation that takes none.

    A misspelt filter (`?eventtype=`) would otherwise answer the whole unfiltered list as if applied, and
    a body of settings sent to an action (`{"secret": …}` before rotation took one) would seem obeyed.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = (
        sorted(set(request.query_params.keys()) - _declared_query(route)) if request.query_params else []
    )
    if unknown:
        allowed = ", ".join(f"`{name}`" for name in sorted(_declared_query(route))) or "none"
        raise ApiError(
            422,
            "unknown_parameter",
            f"Unknown query parameter `{unknown[0]}`; this operation takes {allowed}.",
            parameters=listing.capped(unknown)[0],
        )
    if route.body_field is None and "requestBody" not in (route.openapi_extra or {}) and await request.body():
        raise ApiError(422, "unexpected_body", "This operation takes no request body; send none.")


LimitDep = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")]
AfterDep = Annotated[str | None, Query(max_length=200, description="Cursor from `nextCursor`.")]

__all__ = ["DEFAULT_LIMIT"]


def no_store(response: Response) -> None:
    """An answer that carries a secret is kept by no cache (the secret is shown once)."""
    response.headers["Cache-Control"] = "no-store"


NO_STORE = [Depends(no_store)]
"""The `dependencies` of a route whose answer carries a secret."""
