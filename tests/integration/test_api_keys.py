"""API keys are machine credentials, managed: named, scoped, expiring, listed without the key, revoked at
once, with a coarse last use written in batches; the same through the command line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.entrypoints.cli import app as cli
from tests.conftest import INGEST_TOKEN, SECRET_KEY
from tests.support import Api, Org


def _keys(api: Api, org: Org) -> str:
    return f"/v1/organizations/{org.id}/api-keys"


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _create(api: Api, org: Org, **body: object) -> dict[str, object]:
    created = api.client.post(_keys(api, org), json=body, headers=api.admin)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    answer: dict[str, object] = created.json()
    return answer


def test_a_key_is_shown_once_and_listed_by_name_prefix_and_scope(api: Api) -> None:
    org = api.new_org()
    created = _create(api, org, name="gateway", scope="read")
    key = str(created["key"])

    assert created["prefix"] == key[:12] + "…"
    assert str(created["prefix"]).startswith("phk_")
    assert created["createdBy"] == "admin"
    listed = api.client.get(_keys(api, org), headers=api.admin).json()["data"]
    mine = next(item for item in listed if item["id"] == created["id"])
    assert mine == {name: value for name, value in created.items() if name != "key"}
    assert key not in str(listed)


def test_scopes_map_to_roles(api: Api) -> None:
    org = api.new_org()
    read = str(_create(api, org, name="dashboard", scope="read")["key"])
    ingest = str(_create(api, org, name="gateway", scope="ingest")["key"])
    assets = f"/v1/organizations/{org.id}/assets"

    assert api.client.get(assets, headers=_bearer(read)).status_code == 200
    refused = api.client.post(assets, json={"name": "x"}, headers=_bearer(read))
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert api.client.get(assets, headers=_bearer(ingest)).status_code == 403
    # A full key acts as an operator: it may not manage keys.
    assert api.client.get(_keys(api, org), headers=org.headers).status_code == 403


def test_an_ingest_key_posts_for_its_own_units_only(api: Api) -> None:
    org, other = api.new_org(), api.new_org("Other")
    api.new_unit(org, "tp:000000000000101")
    api.new_unit(other, "tp:000000000000102")
    ingest = str(_create(api, org, scope="ingest")["key"])

    answer = api.client.post(
        "/v1/unit-messages",
        json={"messages": [{"unitId": "tp:000000000000101"}, {"unitId": "tp:000000000000102"}]},
        headers=_bearer(ingest),
    )

    assert answer.status_code == 202, answer.text
    assert answer.json()["accepted"] == 1
    assert [(r["index"], r["code"]) for r in answer.json()["rejected"]] == [(1, "unknown_unit")]
    # The instance's ingest token still posts for every organization.
    both = api.client.post(
        "/v1/unit-messages",
        json={"messages": [{"unitId": "tp:000000000000101"}, {"unitId": "tp:000000000000102"}]},
        headers=_bearer(INGEST_TOKEN),
    )
    assert both.json()["accepted"] == 2


def test_a_key_stops_at_its_expiry(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    now = datetime.fromtimestamp(clock.now_ms() / 1000, tz=UTC)
    expiring = _create(api, org, expiresAt=(now + timedelta(hours=1)).isoformat())
    units = f"/v1/organizations/{org.id}/units"
    assert api.client.get(units, headers=_bearer(str(expiring["key"]))).status_code == 200

    clock.advance(3600)

    refused = api.client.get(units, headers=_bearer(str(expiring["key"])))
    assert refused.status_code == 401
    past = api.client.post(_keys(api, org), json={"expiresAt": now.isoformat()}, headers=api.admin)
    assert past.status_code == 422
    assert past.json()["code"] == "expiry_in_the_past"
    bad = api.client.post(_keys(api, org), json={"expiresAt": "tomorrow"}, headers=api.admin)
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_time"


def test_a_revoked_key_is_refused_at_once_and_no_longer_listed(api: Api) -> None:
    org = api.new_org()
    created = _create(api, org, name="leaked")
    units = f"/v1/organizations/{org.id}/units"
    assert api.client.get(units, headers=_bearer(str(created["key"]))).status_code == 200

    revoked = api.client.delete(f"{_keys(api, org)}/{created['id']}", headers=api.admin)

    assert revoked.status_code == 204
    assert api.client.get(units, headers=_bearer(str(created["key"]))).status_code == 401
    listed = api.client.get(_keys(api, org), headers=api.admin).json()["data"]
    assert created["id"] not in [item["id"] for item in listed]
    again = api.client.delete(f"{_keys(api, org)}/{created['id']}", headers=api.admin)
    assert again.status_code == 404


def test_last_use_is_written_in_batches_to_the_minute(
    api: Api, container: Container, clock: ManualClock
) -> None:
    org = api.new_org()
    created = _create(api, org, name="poller")
    units = f"/v1/organizations/{org.id}/units"

    def last_used() -> object:
        listed = api.client.get(_keys(api, org), headers=api.admin).json()["data"]
        return next(item["lastUsedAt"] for item in listed if item["id"] == created["id"])

    api.client.get(units, headers=_bearer(str(created["key"])))
    assert last_used() is None  # noted in memory only: the request did not write
    assert container.authenticator.usage.flush() == 1
    first = last_used()
    assert isinstance(first, str) and first.endswith(":00.000Z")

    clock.advance(120)
    api.client.get(units, headers=_bearer(str(created["key"])))
    container.authenticator.usage.flush()
    assert str(last_used()) > first


def test_the_command_line_lists_creates_and_revokes_keys(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = api.new_org()
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", database_url)
    monkeypatch.setenv("PAIRHUB_SECRET_KEY", SECRET_KEY)
    runner = CliRunner()

    created = runner.invoke(cli, ["keys", "create", org.id, "--name", "cli key", "--scope", "read"])
    assert created.exit_code == 0, created.output
    key = created.output.strip()
    assert key.startswith("phk_")
    listed = runner.invoke(cli, ["keys", "list", org.id])
    assert "cli key" in listed.output and key[:12] in listed.output and key not in listed.output
    key_id = next(line.split()[0] for line in listed.output.splitlines() if "cli key" in line)

    revoked = runner.invoke(cli, ["keys", "revoke", org.id, key_id])
    assert revoked.exit_code == 0, revoked.output
    assert api.client.get(f"/v1/organizations/{org.id}/units", headers=_bearer(key)).status_code == 401
    unknown = runner.invoke(cli, ["keys", "revoke", org.id, key_id])
    assert unknown.exit_code == 1
    assert "api_key_not_found" in unknown.output
