"""Repeated wrong passwords lock the account (and the client address) with a growing back-off and
`Retry-After`; the right password is refused during the lock and accepted after it."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from pairhub.adapters.clock import ManualClock
from pairhub.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE
from tests.support import PASSWORD, Api


def _sign_in(client: TestClient, email: str, password: str) -> httpx.Response:
    client.cookies.clear()
    page = client.get("/ui/sign-in").text
    csrf = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    return client.post(
        "/ui/sign-in", data={"email": email, "password": password, "csrf_token": csrf}, follow_redirects=False
    )


def test_wrong_passwords_lock_the_account_and_the_lock_grows(api: Api, clock: ManualClock) -> None:
    person = api.new_person(api.new_org(), "viewer", email="Locked.Out@example.com")
    for _ in range(ACCOUNT_RULE.free_failures):
        assert _sign_in(api.client, person.email, "wrong password!!").status_code == 401

    locked = _sign_in(api.client, person.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == str(ACCOUNT_RULE.first_lock_ms // 1000)
    assert "Too many failed sign-ins" in locked.text
    # The email's spelling does not matter: the account is the same.
    assert _sign_in(api.client, "locked.out@EXAMPLE.com", PASSWORD).status_code == 429

    clock.advance(ACCOUNT_RULE.first_lock_ms / 1000 - 1)
    assert _sign_in(api.client, person.email, PASSWORD).status_code == 429
    clock.advance(1)
    assert _sign_in(api.client, person.email, PASSWORD).status_code == 303

    # Forgiven by the right password: the next lock starts over from the first length.
    for _ in range(ACCOUNT_RULE.free_failures):
        _sign_in(api.client, person.email, "wrong password!!")
    assert _sign_in(api.client, person.email, PASSWORD).headers["retry-after"] == "30"


def test_a_lock_grows_while_the_failures_go_on(api: Api, clock: ManualClock) -> None:
    person = api.new_person(api.new_org(), "viewer")
    waits = []
    for _ in range(3):
        for _ in range(ACCOUNT_RULE.free_failures):
            _sign_in(api.client, person.email, "wrong password!!")
        refused = _sign_in(api.client, person.email, PASSWORD)
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1])
    assert waits == [30, 60, 120]


def test_one_address_trying_many_accounts_is_locked(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    for index in range(ADDRESS_RULE.free_failures):
        assert _sign_in(api.client, f"guess{index}@example.com", "wrong password!!").status_code == 401
    person = api.new_person(org, "viewer")

    refused = _sign_in(api.client, person.email, PASSWORD)

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == str(ADDRESS_RULE.first_lock_ms // 1000)
    clock.advance(ADDRESS_RULE.first_lock_ms / 1000)
    assert _sign_in(api.client, person.email, PASSWORD).status_code == 303
