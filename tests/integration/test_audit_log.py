"""Every change is recorded in the audit log in its own transaction, with who made it and the fields
before and after (never a secret); the log is filtered, paged and read by owners and the admin only."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from pairhub.adapters.clock import ManualClock
from pairhub.entrypoints.cli import app as cli
from tests.conftest import SECRET_KEY
from tests.delivery_support import Receiver, subscribe
from tests.support import PASSWORD, Api, Org

VIN = "1HGCM82633A004352"
OTHER_VIN = "WDB9634031L738192"
HOOK = "http://127.0.0.1:9/hook"


def _log(api: Api, org: Org, **filters: str) -> list[dict[str, Any]]:
    answer = api.client.get(f"/v1/organizations/{org.id}/audit-log", params=filters, headers=api.admin)
    assert answer.status_code == 200, answer.text
    entries: list[dict[str, Any]] = answer.json()["data"]
    return entries


def _key(api: Api, org: Org, name: str) -> tuple[str, dict[str, str]]:
    created = api.client.post(
        f"/v1/organizations/{org.id}/api-keys", json={"name": name}, headers=api.admin
    ).json()
    return created["id"], {"Authorization": f"Bearer {created['key']}"}


def test_changes_name_the_key_or_admin_that_made_them(api: Api) -> None:
    org = api.new_org()
    key_id, gateway = _key(api, org, "gateway")
    base = f"/v1/organizations/{org.id}"
    asset = api.client.post(f"{base}/assets", json={"vin": VIN, "name": "Trailer 7"}, headers=gateway).json()
    api.client.patch(f"{base}/assets/{asset['id']}", json={"vin": OTHER_VIN}, headers=gateway)
    api.client.post(f"{base}/units", json={"unitId": "tp:000000000000007"}, headers=gateway)
    paired = api.client.post(
        f"{base}/pairings", json={"unitId": "tp:000000000000007", "assetId": asset["id"]}, headers=api.admin
    )
    assert paired.status_code == 201, paired.text

    entries = _log(api, org)

    actions = [(e["action"], e["actor"]["type"], e["actor"]["name"]) for e in entries]
    assert actions[:4] == [
        ("pairing.created", "admin", "admin"),
        ("unit.created", "apiKey", "gateway"),
        ("asset.updated", "apiKey", "gateway"),
        ("asset.created", "apiKey", "gateway"),
    ]
    updated = entries[2]
    assert updated["actor"]["id"] == key_id
    assert updated["target"] == {"type": "asset", "id": asset["id"]}
    assert updated["changes"] == {"vin": [VIN, OTHER_VIN]}
    assert entries[0]["changes"] == {"assetId": [None, asset["id"]]}


def test_secrets_never_reach_the_log(api: Api) -> None:
    org = api.new_org()
    base = f"/v1/organizations/{org.id}/subscriptions"
    created = api.client.post(
        base,
        json={"url": HOOK, "eventNames": ["unit.paired"], "customHeaders": {"X-Api-Key": "hush-hush-value"}},
        headers=org.headers,
    )
    assert created.status_code == 201, created.text
    sub = created.json()
    rotated = api.client.post(f"{base}/{sub['id']}/rotate-secret", headers=org.headers).json()
    api.client.patch(f"{base}/{sub['id']}", json={"state": "paused"}, headers=org.headers)

    entries = _log(api, org)

    assert [e["action"] for e in entries[:3]] == [
        "subscription.paused",
        "subscription.secretRotated",
        "subscription.created",
    ]
    assert entries[0]["changes"] == {"state": ["active", "paused"]}
    text = str(entries)
    for secret in (sub["secret"], rotated["secret"], "hush-hush-value"):
        assert secret not in text
    assert "X-Api-Key" in text  # the header's name is shown, never its value


def test_a_refused_change_leaves_no_entry(api: Api) -> None:
    org = api.new_org()
    base = f"/v1/organizations/{org.id}/assets"
    api.client.post(base, json={"vin": VIN}, headers=org.headers)
    duplicate = api.client.post(base, json={"vin": VIN}, headers=org.headers)
    assert duplicate.status_code == 409

    assert [e["action"] for e in _log(api, org, action="asset.created")] == ["asset.created"]


def test_filters_and_pages(api: Api, clock: ManualClock) -> None:
    org = api.new_org()
    key_id, gateway = _key(api, org, "gateway")
    base = f"/v1/organizations/{org.id}"
    first = api.client.post(f"{base}/assets", json={"name": "first"}, headers=gateway).json()
    clock.advance(60)
    second = api.client.post(f"{base}/assets", json={"name": "second"}, headers=org.headers).json()

    assert [e["target"]["id"] for e in _log(api, org, actor=key_id, action="asset.created")] == [first["id"]]
    assert [e["target"]["id"] for e in _log(api, org, targetId=second["id"])] == [second["id"]]
    since = _log(api, org, targetId=second["id"])[0]["time"]
    assert [e["target"]["id"] for e in _log(api, org, action="asset.created", since=since)] == [second["id"]]
    assert [e["target"]["id"] for e in _log(api, org, action="asset.created", until=since)] == [first["id"]]

    page = api.client.get(
        f"{base}/audit-log", params={"action": "asset.created", "limit": 1}, headers=api.admin
    ).json()
    assert [e["target"]["id"] for e in page["data"]] == [second["id"]]
    rest = api.client.get(
        f"{base}/audit-log",
        params={"action": "asset.created", "limit": 1, "after": page["nextCursor"]},
        headers=api.admin,
    ).json()
    assert [e["target"]["id"] for e in rest["data"]] == [first["id"]]
    assert rest["nextCursor"] is None
    bad = api.client.get(f"{base}/audit-log", params={"after": "²"}, headers=api.admin)
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_cursor"


def test_people_changes_are_recorded(api: Api) -> None:
    org = api.new_org()
    person = api.new_person(org, "viewer")
    members = f"/v1/organizations/{org.id}/members/{person.id}"
    api.client.patch(members, json={"role": "operator"}, headers=api.admin)
    api.client.delete(members, headers=api.admin)

    entries = _log(api, org)

    assert [(e["action"], e["actor"]["type"]) for e in entries[:4]] == [
        ("member.removed", "admin"),
        ("member.updated", "admin"),
        ("member.joined", "person"),
        ("member.invited", "admin"),
    ]
    assert entries[1]["changes"] == {"role": ["viewer", "operator"]}
    assert entries[2]["actor"]["id"] == person.id
    assert "correct horse" not in str(entries)


def test_a_withdrawn_invitation_is_recorded(api: Api) -> None:
    org = api.new_org()
    invited = api.client.post(
        f"/v1/organizations/{org.id}/invitations",
        json={"email": "grace@example.com", "role": "operator"},
        headers=api.admin,
    ).json()

    withdrawn = api.client.delete(
        f"/v1/organizations/{org.id}/invitations/{invited['id']}", headers=api.admin
    )

    assert withdrawn.status_code == 204
    [entry] = _log(api, org, action="member.invitationWithdrawn")
    assert entry["actor"] == {"type": "admin", "id": None, "name": "admin"}
    assert entry["target"] == {"type": "invitation", "id": invited["id"]}
    assert entry["changes"] == {"email": ["grace@example.com", None], "role": ["operator", None]}


def _ui_post(api: Api, path: str, page: str, **fields: str) -> int:
    form = api.client.get(page)
    answer = api.client.post(path, data={**fields, "csrf_token": _csrf(form.text)}, follow_redirects=False)
    return answer.status_code


def test_a_reset_link_and_password_changes_are_recorded_never_the_password(api: Api) -> None:
    org, other = api.new_org(), api.new_org()
    person = api.new_person(org, "viewer")
    api.new_person(other, "operator", email=person.email)  # joins with the account's password

    made = api.client.post(
        f"/v1/organizations/{org.id}/members/{person.id}/password-reset", headers=api.admin
    )
    assert made.status_code == 201, made.text
    link = made.json()["url"]
    api.client.cookies.clear()
    assert _ui_post(api, link, link, password="a brand new password") == 303
    signed_in = _ui_post(
        api, "/ui/sign-in", "/ui/sign-in", email=person.email, password="a brand new password"
    )
    assert signed_in == 303
    changed = _ui_post(
        api,
        "/ui/account/password",
        "/ui/account",
        current="a brand new password",
        new="an even newer password",
    )
    assert changed == 303

    entries = _log(api, org)
    assert [(e["action"], e["actor"]["type"], e["target"]["id"]) for e in entries[:3]] == [
        ("member.passwordChanged", "person", person.id),
        ("member.passwordChanged", "person", person.id),
        ("member.passwordResetLinkCreated", "admin", person.id),
    ]
    assert entries[0]["actor"]["id"] == person.id
    assert entries[0]["changes"] == {"password": ["(changed)", "(changed)"]}
    assert entries[2]["changes"] == {"email": [None, person.email]}
    # The password is the person's in every organization they belong to; the reset link was one's only.
    assert [e["action"] for e in _log(api, other)[:3]] == [
        "member.passwordChanged",
        "member.passwordChanged",
        "member.joined",
    ]
    text = str(entries)
    assert "new password" not in text and "argon2" not in text and link.rsplit("/", 1)[-1] not in text


def test_auto_pairing_is_recorded_as_the_system(api: Api) -> None:
    org = api.new_org(autoPairingEnabled=True)
    asset = api.new_asset(org, vin=VIN, name="Trailer 9")
    api.new_unit(org, "tp:000000000000009")
    api.new_unit(org, "tp:000000000000010")

    # One request that pairs one unit and leaves the other waiting: one entry, for the paired one.
    api.send({"unitId": "tp:000000000000009", "vin": VIN}, {"unitId": "tp:000000000000010", "vin": OTHER_VIN})

    assert api.unit(org, "tp:000000000000009")["assetId"] == asset["id"]
    [entry] = _log(api, org, action="pairing.created")
    assert entry["actor"] == {"type": "system", "id": None, "name": "auto pairing"}
    assert entry["target"] == {"type": "unit", "id": "tp:000000000000009"}
    assert entry["changes"] == {"assetId": [None, asset["id"]]}


def test_a_recovery_is_recorded_by_its_caller(api: Api) -> None:
    org = api.new_org(datahubSubscriptionActive=True)
    base = f"/v1/organizations/{org.id}/subscriptions"
    sub = api.client.post(base, json={"url": HOOK, "eventNames": ["unit.paired"]}, headers=org.headers).json()
    recovered = api.client.post(
        f"{base}/{sub['id']}/recover", json={"since": "2025-01-01T00:00:00Z"}, headers=org.headers
    )
    assert recovered.status_code == 202, recovered.text

    [entry] = _log(api, org, action="subscription.recovered")
    assert entry["actor"]["type"] == "apiKey"
    assert entry["target"] == {"type": "subscription", "id": sub["id"]}


def test_a_test_send_is_recorded_by_who_sent_it(api: Api, receiver: Receiver) -> None:
    org = api.new_org()
    key_id, gateway = _key(api, org, "gateway")
    sub = subscribe(api, org, receiver.url("/audited"))
    receiver.script("/audited", 200, 503)
    test = f"/v1/organizations/{org.id}/subscriptions/{sub['id']}/test"

    assert api.client.post(test, headers=gateway).json()["delivered"] is True
    assert api.client.post(test, headers=org.headers).json()["delivered"] is False

    entries = _log(api, org, action="subscription.tested")
    assert [(e["actor"]["type"], e["changes"]) for e in entries] == [
        ("apiKey", {"delivered": [None, False], "status": [None, 503]}),
        ("apiKey", {"delivered": [None, True], "status": [None, 200]}),
    ]
    assert entries[1]["actor"]["id"] == key_id
    assert entries[0]["actor"]["id"] != key_id


def _csrf(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_a_test_send_from_the_console_names_the_person(api: Api, receiver: Receiver) -> None:
    org = api.new_org()
    person = api.new_person(org, "operator")
    sub = subscribe(api, org, receiver.url("/console"))
    form = {
        "email": person.email,
        "password": PASSWORD,
        "csrf_token": _csrf(api.client.get("/ui/sign-in").text),
    }
    assert api.client.post("/ui/sign-in", data=form).status_code == 200
    page = api.client.get(f"/ui/subscriptions/{sub['id']}")

    sent = api.client.post(f"/ui/subscriptions/{sub['id']}/test", data={"csrf_token": _csrf(page.text)})

    assert sent.status_code == 200, sent.text
    [entry] = _log(api, org, action="subscription.tested")
    assert (entry["actor"]["type"], entry["actor"]["id"]) == ("person", person.id)
    assert entry["changes"] == {"delivered": [None, True], "status": [None, 200]}


def test_the_command_line_is_named_as_the_actor(
    api: Api, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = api.new_org()
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", database_url)
    monkeypatch.setenv("PAIRHUB_SECRET_KEY", SECRET_KEY)
    runner = CliRunner()

    options = ["--password-stdin", "--role=operator", f"--organization={org.id}"]
    made_person = runner.invoke(
        cli, ["admin", "create-user", "ops@example.com", *options], input=f"{PASSWORD}\n"
    )
    assert made_person.exit_code == 0, made_person.output
    person_id = made_person.stdout.strip()
    assert runner.invoke(cli, ["admin", "create-key", org.id]).exit_code == 0
    made = runner.invoke(cli, ["keys", "create", org.id, "--name", "gateway"])
    assert made.exit_code == 0, made.output
    keys = api.client.get(f"/v1/organizations/{org.id}/api-keys", headers=api.admin).json()["data"]
    gateway = next(key for key in keys if key["name"] == "gateway")
    assert runner.invoke(cli, ["keys", "revoke", org.id, gateway["id"]]).exit_code == 0
    assert runner.invoke(cli, ["admin", "create-unit", org.id, "tp:000000000000011"]).exit_code == 0

    entries = _log(api, org)

    command_line = {"type": "commandLine", "id": None, "name": "command line"}
    assert [(e["action"], e["actor"], e["target"]["type"]) for e in entries[:5]] == [
        ("unit.created", command_line, "unit"),
        ("apiKey.revoked", command_line, "apiKey"),
        ("apiKey.created", command_line, "apiKey"),
        ("apiKey.created", command_line, "apiKey"),
        ("member.joined", command_line, "person"),
    ]
    assert entries[4]["target"]["id"] == person_id
    assert entries[4]["changes"] == {"email": [None, "ops@example.com"], "role": [None, "operator"]}
    assert entries[3]["changes"]["name"] == [None, "admin create-key"]
    [admin_key] = [key for key in keys if key["name"] == "admin create-key"]
    assert admin_key["createdBy"] == gateway["createdBy"] == "command line"
    assert PASSWORD not in str(entries)
    owner = api.new_person(org, "owner")
    assert _ui_post(api, "/ui/sign-in", "/ui/sign-in", email=owner.email, password=PASSWORD) == 303
    page = api.client.get("/ui/audit-log", params={"action": "unit.created"})
    assert 'command line</a> <span class="small">(commandLine)</span>' in page.text
