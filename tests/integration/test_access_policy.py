"""Every API operation and every UI page or form, tried by every kind of caller, is allowed or refused
exactly as the policy table says, and a refused attempt changes no row of any table; a route without a
declared action fails here, by name."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import inspect

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.access import ADMIN, INGEST, Action, Decision, Principal, decide
from pairhub.domain.organizations import KeyScope, Session
from pairhub.domain.people import MemberRole
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.policies import action_of
from pairhub.entrypoints.ui.session import COOKIE_NAME, SessionCodec, UiSession
from pairhub.services.auth import hash_key, key_principal, person_principal
from tests.conftest import ADMIN_TOKEN, INGEST_TOKEN, make_settings
from tests.support import PASSWORD

REFUSAL_CODES = {"unauthorized", "forbidden", "admin_only", "ingest_only"}
CSRF = "policy-test-csrf"


@dataclass(frozen=True)
class Caller:
    """One kind of caller: how it authenticates and who the policy takes it for (None: nobody)."""

    name: str
    principal: Principal | None
    bearer: str | None = None
    person_id: str | None = None
    admin_session: bool = False
    acts_on: str | None = None
    expired: bool = False


@dataclass
class World:
    """An app with two organizations and a caller of every kind."""

    app: FastAPI
    client: TestClient
    container: Container
    org: str
    api_callers: list[Caller]
    ui_callers: list[Caller]


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers with a route of ours, as the router matches it."""
    found = []
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.path:
            found += [(method, context.path) for method in sorted(context.methods or ())]
    assert len(found) > 50, "the route table could not be read"
    # Deleting the organization itself last: every other operation still finds it.
    return sorted(found, key=lambda pair: pair == ("DELETE", "/v1/organizations/{org_id}"))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = ManualClock()
    container = bootstrap.build(make_settings(f"sqlite:///{tmp_path / 'policy.db'}"), clock)
    container.migrate()
    with TestClient(create_app(container)) as client:
        yield _populate(client, container)
    container.close()


def _populate(client: TestClient, container: Container) -> World:
    orgs = container.organizations
    org, other = orgs.create("Mine", False, True).id, orgs.create("Theirs", False, True).id
    api_callers = [Caller("no token", None), Caller("admin token", ADMIN, ADMIN_TOKEN)]
    api_callers.append(Caller("ingest token", INGEST, INGEST_TOKEN))
    for scope in KeyScope:
        record, key = orgs.create_api_key(org, name=f"{scope} key", scope=scope)
        api_callers.append(Caller(f"{scope} key", key_principal(record), key))
    record, key = orgs.create_api_key(other, name="their key")
    api_callers.append(Caller("another organization's key", key_principal(record), key))
    revoked, revoked_key = orgs.create_api_key(org, name="revoked")
    orgs.revoke_api_key(org, revoked.id)
    api_callers.append(Caller("revoked key", None, revoked_key))
    now = container.clock.now_ms()
    _, expiring = orgs.create_api_key(org, name="expired", expires_at=now + 1)
    api_callers.append(Caller("expired key", None, expiring))

    ui_callers = [
        Caller("no session", None),
        Caller("admin token session", ADMIN, admin_session=True, acts_on=org),
    ]
    people = container.people
    for role in MemberRole:
        person = people.create(f"{role}@example.com", role, PASSWORD, organization_id=org, role=role)
        principal = person_principal(person, {org: role})
        ui_callers.append(Caller(f"{role} session", principal, person_id=person.id, acts_on=org))
    stranger = people.create("their-owner@example.com", "Theirs", PASSWORD, organization_id=other)
    people.change_role(other, stranger.id, MemberRole.OWNER)
    ui_callers.append(
        Caller(
            "another organization's owner",
            person_principal(stranger, {other: MemberRole.OWNER}),
            person_id=stranger.id,
            acts_on=org,
        )
    )
    viewer = next(c for c in ui_callers if c.name == "viewer session")
    ui_callers.append(Caller("expired session", None, person_id=viewer.person_id, acts_on=org, expired=True))
    root = people.create("root@example.com", "Root", PASSWORD, platform_admin=True)
    ui_callers.append(Caller("platform admin", person_principal(root, {}), person_id=root.id, acts_on=org))
    container.clock.advance(1)  # the expiring key is expired from now on
    return World(client.app, client, container, org, api_callers, ui_callers)  # type: ignore[arg-type]


def test_every_route_declares_its_action(world: World) -> None:
    missing = [f"{method} {path}" for method, path in _routes(world.app) if action_of(method, path) is None]
    assert missing == [], (
        "routes without an access policy (add each to pairhub/entrypoints/policies.py): " + ", ".join(missing)
    )


def _digest(container: Container) -> dict[str, str]:
    """A hash of each table's rows, the tables read from the database's own catalogue (so a new table is
    covered without a change here)."""
    digests = {}
    with container.sql_database.engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            # The driver's own cursor: four times quicker than a compiled statement, run 1,200 times here.
            rows = sorted(repr(tuple(row)) for row in connection.exec_driver_sql(f'SELECT * FROM "{table}"'))
            digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ (or that came or went) between two digests."""
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


def _concrete(path: str, org: str) -> str:
    return re.sub(r"\{[a-z_]+\}", "x", path.replace("{org_id}", org))


def _api_refusal(status: int, body: bytes, decision: Decision) -> bool:
    """True when the answer is the refusal `decision` calls for; for ALLOW, true when it is no refusal."""
    text = body.decode(errors="replace")
    code = re.search(r'"code":"([a-z_]+)"', text)
    refused_code = code.group(1) if code else None
    if decision is Decision.ALLOW:
        return not (status in (401, 403) and refused_code in REFUSAL_CODES) and not (
            status == 404 and refused_code == "organization_not_found"
        )
    expected = {Decision.UNAUTHENTICATED: 401, Decision.FORBIDDEN: 403, Decision.NOT_FOUND: 404}[decision]
    return status == expected and refused_code in REFUSAL_CODES | {"organization_not_found"}


def test_every_api_operation_is_decided_by_the_policy_table(world: World) -> None:
    wrong = []
    for method, path in _routes(world.app):
        action = action_of(method, path)
        if path.startswith("/ui") or action is None:
            continue
        org = world.org if "{org_id}" in path else None
        # The callers the policy lets through go last: erasing the organization takes its keys with it,
        # so a refused caller tried after the erasure would be unknown (401) rather than refused (403).
        decided = [(caller, decide(caller.principal, action, org)) for caller in world.api_callers]
        for caller, decision in sorted(decided, key=lambda pair: pair[1] is Decision.ALLOW):
            headers = {"Authorization": f"Bearer {caller.bearer}"} if caller.bearer else {}
            before = _digest(world.container) if decision is not Decision.ALLOW else {}
            answer = world.client.request(method, _concrete(path, world.org), headers=headers)
            if not _api_refusal(answer.status_code, answer.content, decision):
                wrong.append(
                    f"{method} {path} as {caller.name}: expected {decision.value}, got {answer.status_code}"
                )
            elif decision is not Decision.ALLOW and (changed := _changed(before, _digest(world.container))):
                wrong.append(f"{method} {path} as {caller.name}: refused, yet changed {', '.join(changed)}")
    assert wrong == []


def _cookie(world: World, caller: Caller) -> str | None:
    """A fresh session for the caller (so that signing out everywhere ends only this one)."""
    if caller.person_id is None and not caller.admin_session:
        return None
    sessions = world.container.sessions
    token = sessions.start_admin() if caller.admin_session else sessions.start_person(caller.person_id or "")
    if caller.expired:
        now = world.container.clock.now_ms()
        with world.container.storage.write() as uow:
            uow.sessions.delete(hash_key(token))
            uow.sessions.add(
                Session(hash_key(token), "person", None, None, now - 10, now - 1, caller.person_id)
            )
    codec: SessionCodec = world.app.state.ui_sessions
    now_s = world.container.clock.now_ms() // 1000
    role = "admin" if caller.principal is not None and caller.principal.is_admin else "person"
    return codec.encode(UiSession(CSRF, now_s, role=role, organization_id=caller.acts_on, token=token))


def _ui_outcome(status: int, location: str, body: str) -> str:
    if status == 403 and "Not allowed" in body:
        return "forbidden"
    if status in (302, 303, 307) and location.endswith("/ui/sign-in"):
        return "sign-in"
    if status in (302, 303, 307) and location.endswith("/ui/organizations"):
        return "pick-organization"
    return "served"


def _ui_expected(decision: Decision) -> set[str]:
    return {
        # An allowed form may itself send the browser back to the organizations (a refused name, say).
        Decision.ALLOW: {"served", "pick-organization"},
        Decision.UNAUTHENTICATED: {"sign-in"},
        Decision.NOT_FOUND: {"pick-organization"},
        Decision.FORBIDDEN: {"forbidden"},
    }[decision]


def test_every_ui_page_and_form_is_decided_by_the_policy_table(world: World) -> None:
    wrong = []
    for method, path in _routes(world.app):
        action = action_of(method, path)
        if not path.startswith("/ui") or action is None or action is Action.PUBLIC:
            continue
        for caller in world.ui_callers:
            world.client.cookies.clear()
            cookie = _cookie(world, caller)
            if cookie is not None:
                world.client.cookies.set(COOKIE_NAME, cookie)
            decision = decide(caller.principal, action, caller.acts_on)
            # Taken after the session is made: making it is the test's doing, not the request's.
            before = _digest(world.container) if decision is not Decision.ALLOW else {}
            answer = world.client.request(
                method, _concrete(path, world.org), headers={"x-csrf-token": CSRF}, follow_redirects=False
            )
            outcome = _ui_outcome(answer.status_code, answer.headers.get("location", ""), answer.text)
            if outcome == "sign-in" and path == "/ui/sign-out-everywhere" and caller.principal is not None:
                outcome = "served"  # signed out, as asked: the answer is the sign-in page
            if outcome not in _ui_expected(decision):
                wrong.append(f"{method} {path} as {caller.name}: expected {decision.value}, got {outcome}")
            elif decision is not Decision.ALLOW and (changed := _changed(before, _digest(world.container))):
                wrong.append(f"{method} {path} as {caller.name}: refused, yet changed {', '.join(changed)}")
    world.client.cookies.clear()
    assert wrong == []
