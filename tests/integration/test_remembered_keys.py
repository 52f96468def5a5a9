"""An API key read lately is taken from memory: the request's own transaction reads it again, and refuses
it when another process revoked it meanwhile; this process forgets a key it revokes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.services.remembered_keys import REMEMBER_MS
from tests.support import Api, Org


@contextmanager
def counted(container: Container) -> Iterator[dict[str, int]]:
    """Transactions committed and reads of the api_keys table while the block runs."""
    assert container.database is not None
    engine = container.database.engine
    counts = {"transactions": 0, "key_reads": 0}

    def committed(_connection: Any) -> None:
        counts["transactions"] += 1

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM api_keys" in statement:
            counts["key_reads"] += 1

    event.listen(engine, "commit", committed)
    event.listen(engine, "before_cursor_execute", executed)
    try:
        yield counts
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "before_cursor_execute", executed)


def _units(org: Org) -> str:
    return f"/v1/organizations/{org.id}/units"


def _add_unit(api: Api, org: Org, unit_id: str) -> int:
    answer = api.client.post(_units(org), json={"unitId": unit_id}, headers=org.headers)
    return answer.status_code


def test_a_key_read_lately_is_read_again_in_the_requests_own_transaction_only(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = api.new_org()
    with counted(container) as first:
        assert _add_unit(api, org, "tp:1") == 201
    with counted(container) as remembered:
        assert _add_unit(api, org, "tp:2") == 201
    clock.advance(REMEMBER_MS / 1000)
    with counted(container) as stale:
        assert _add_unit(api, org, "tp:3") == 201

    # Read in a transaction of its own, then within the request's; read in full again after a minute.
    assert first == {"transactions": 2, "key_reads": 1}
    assert remembered == {"transactions": 1, "key_reads": 1}
    assert stale == {"transactions": 2, "key_reads": 1}


def test_a_key_revoked_by_another_process_is_refused_before_the_request_reads_or_writes(
    api: Api, other_process: Container
) -> None:
    org = api.new_org()
    assert _add_unit(api, org, "tp:1") == 201  # this process remembers the key now
    [key] = other_process.organizations.api_keys(org.id, None, 10).items

    other_process.organizations.revoke_api_key(org.id, key.id)

    refused = api.client.post(_units(org), json={"unitId": "tp:2"}, headers=org.headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "unauthorized"
    assert refused.headers["www-authenticate"] == "Bearer"
    assert api.client.get(f"{_units(org)}/tp:2", headers=api.admin).status_code == 404
    # Forgotten: the next request is refused before anything else, as an unknown key is.
    invalid_body = api.client.post(_units(org), json={}, headers=org.headers)
    assert invalid_body.status_code == 401


def test_a_key_this_process_revokes_is_forgotten_at_once(api: Api) -> None:
    org = api.new_org()
    assert _add_unit(api, org, "tp:1") == 201
    [key] = api.client.get(f"/v1/organizations/{org.id}/api-keys", headers=api.admin).json()["data"]

    revoked = api.client.delete(f"/v1/organizations/{org.id}/api-keys/{key['id']}", headers=api.admin)

    assert revoked.status_code == 204
    # Refused before its body is looked at, as before the key was ever remembered.
    invalid_body = api.client.post(_units(org), json={}, headers=org.headers)
    assert invalid_body.status_code == 401
