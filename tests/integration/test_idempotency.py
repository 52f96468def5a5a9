"""`Idempotency-Key` on POST (Stripe's semantics), on SQLite and PostgreSQL, over real HTTP for the
concurrent duplicates."""

from __future__ import annotations

import threading
from typing import Any

import httpx
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from pairhub.adapters.clock import ManualClock
from pairhub.adapters.sql.engine import make_engine
from pairhub.adapters.sql.tables import metadata
from pairhub.bootstrap import Container
from pairhub.domain.access import ADMIN as ADMIN_PRINCIPAL
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.api.idempotency import scope_of
from pairhub.services.idempotency import fingerprint
from tests.conftest import ADMIN_TOKEN
from tests.e2e.processes import free_port
from tests.integration.test_delivery_schema import _table_of
from tests.support import Api, serving

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _organizations(api: Api) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = api.client.get("/v1/organizations", headers=api.admin).json()["data"]
    return listed


def test_a_retry_gets_the_first_answer_and_another_body_is_refused(api: Api, clock: ManualClock) -> None:
    headers = {**api.admin, "Idempotency-Key": "create-acme-1"}
    first = api.client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    clock.advance(3600)
    again = api.client.post("/v1/organizations", json={"name": "Acme"}, headers=headers)
    other = api.client.post("/v1/organizations", json={"name": "Acme 2"}, headers=headers)
    elsewhere = api.client.post(f"/v1/organizations/{first.json()['id']}/units", json={}, headers=headers)

    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert (other.status_code, other.json()["code"]) == (422, "idempotency_key_reused")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (422, "idempotency_key_reused")
    assert len(_organizations(api)) == 1


def test_a_refusal_is_kept_too_and_a_key_lasts_a_day(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    headers = {**org.headers, "Idempotency-Key": "unit-1"}
    missing = api.client.post(
        f"/v1/organizations/{org.id}/pairings", json={"unitId": "tp:1", "assetId": "x"}, headers=headers
    )
    api.new_unit(org, "tp:1")
    replayed = api.client.post(
        f"/v1/organizations/{org.id}/pairings", json={"unitId": "tp:1", "assetId": "x"}, headers=headers
    )
    assert missing.status_code == replayed.status_code and missing.content == replayed.content

    unit_key = {**org.headers, "Idempotency-Key": "unit-2"}
    created = api.client.post(f"/v1/organizations/{org.id}/units", json={"unitId": "tp:2"}, headers=unit_key)
    api.client.delete(f"/v1/organizations/{org.id}/units/tp:2", headers=org.headers)
    clock.advance(24 * 3600 - 1)
    within = api.client.post(f"/v1/organizations/{org.id}/units", json={"unitId": "tp:2"}, headers=unit_key)
    clock.advance(1)
    after = api.client.post(f"/v1/organizations/{org.id}/units", json={"unitId": "tp:2"}, headers=unit_key)

    assert (
        created.status_code == within.status_code == 201 and within.headers["idempotent-replayed"] == "true"
    )
    assert after.status_code == 201 and "idempotent-replayed" not in after.headers
    units = api.client.get(f"/v1/organizations/{org.id}/units", headers=org.headers).json()["data"]
    assert [unit["unitId"] for unit in units] == ["tp:1", "tp:2"]


def test_keys_belong_to_their_caller_and_are_checked(api: Api) -> None:
    first, second = api.new_org("One"), api.new_org("Two")
    for org in (first, second):
        answer = api.client.post(
            f"/v1/organizations/{org.id}/assets",
            json={"name": "Truck 7"},
            headers={**org.headers, "Idempotency-Key": "k"},
        )
        assert answer.status_code == 201 and "idempotent-replayed" not in answer.headers
    too_long = api.client.post(
        "/v1/organizations", json={"name": "X"}, headers={**api.admin, "Idempotency-Key": "k" * 256}
    )
    assert (too_long.status_code, too_long.json()["code"]) == (400, "invalid_idempotency_key")
    unknown = api.client.post(
        "/v1/organizations",
        json={"name": "X"},
        headers={"Authorization": "Bearer nope", "Idempotency-Key": "k"},
    )
    assert unknown.status_code == 401


def test_a_retry_while_the_first_runs_is_told_to_wait(api: Api, container: Container) -> None:
    body = b'{"name":"Acme"}'
    # The first request holds the key and has not answered yet.
    claim = container.idempotency.claim(
        scope_of(ADMIN_PRINCIPAL), "busy", fingerprint("POST", "/v1/organizations", "", body)
    )
    assert claim.verdict is None

    answer = api.client.post(
        "/v1/organizations",
        content=body,
        headers={**api.admin, "Idempotency-Key": "busy", "Content-Type": "application/json"},
    )

    assert (answer.status_code, answer.json()["code"]) == (409, "idempotency_key_in_use")
    assert answer.headers["retry-after"] == "1"
    assert _organizations(api) == []


def test_concurrent_duplicates_have_one_effect(api: Api, container: Container) -> None:
    requests = 8
    barrier = threading.Barrier(requests)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def post(base_url: str) -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            barrier.wait()
            answer = client.post(
                "/v1/organizations", json={"name": "Raced"}, headers={**ADMIN, "Idempotency-Key": "race"}
            )
        with lock:
            answers.append(answer)

    with serving(create_app(container), free_port()) as base_url:
        threads = [threading.Thread(target=post, args=(base_url,)) for _ in range(requests)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    created = [a for a in answers if a.status_code == 201]
    waiting = [a for a in answers if a.status_code == 409]
    assert len(created) + len(waiting) == requests
    assert created and all(a.content == created[0].content for a in created)
    assert all(a.json()["code"] == "idempotency_key_in_use" for a in waiting)
    assert [org["id"] for org in _organizations(api)] == [created[0].json()["id"]]


def test_migration_0012_creates_what_tables_declares(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = [
                d
                for d in compare_metadata(context, metadata)
                if _table_of(d) in {"idempotency_keys", "events"}
            ]
    finally:
        engine.dispose()
    assert diffs == []
