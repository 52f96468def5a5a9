"""Invitation and password-reset links: one-time, expiring after 7 days, shown once and mailed through
a real SMTP server (aiosmtpd, started by the test on a free port) when `PAIRHUB_SMTP_URL` is set, under
`PAIRHUB_PUBLIC_URL` when that is set."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler
from fastapi.testclient import TestClient

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.entrypoints.api.app import create_app
from pairhub.entrypoints.ui.session import COOKIE_NAME
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.support import PASSWORD, Api

SEVEN_DAYS_S = 7 * 24 * 3600


class Inbox(MessageHandler):
    """Keeps every mail the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.mails: list[Message] = []

    def handle_message(self, message: Message) -> None:
        """Keep the mail."""
        self.mails.append(message_from_bytes(message.as_bytes()))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free loopback port."""
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _mailing(database_url: str, clock: ManualClock, port: int, **settings: object) -> Iterator[Api]:
    built = bootstrap.build(
        make_settings(
            database_url, smtp_url=f"smtp://127.0.0.1:{port}", smtp_from="ops@example.com", **settings
        ),
        clock,
    )
    with TestClient(create_app(built)) as client:
        yield Api(client, ADMIN_TOKEN)
    built.close()


@pytest.fixture
def mailing(database_url: str, clock: ManualClock, inbox: tuple[Inbox, int]) -> Iterator[Api]:
    """The API of a pairhub that mails its links to the test's SMTP server."""
    yield from _mailing(database_url, clock, inbox[1])


PUBLIC_URL = "https://pairhub.example.com"


@pytest.fixture
def public(database_url: str, clock: ManualClock, inbox: tuple[Inbox, int]) -> Iterator[Api]:
    """The same behind a proxy: `PAIRHUB_PUBLIC_URL` is not the address the requests come to."""
    yield from _mailing(database_url, clock, inbox[1], public_url=PUBLIC_URL + "/")


def _link(mail: Message) -> str:
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(r"https?://\S+", body.decode())
    assert found, body
    return found.group(0)


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _sign_in(client: TestClient, email: str, password: str) -> int:
    client.cookies.clear()
    csrf = _csrf(client.get("/ui/sign-in"))
    answer = client.post(
        "/ui/sign-in", data={"email": email, "password": password, "csrf_token": csrf}, follow_redirects=False
    )
    return answer.status_code


def test_an_invitation_is_mailed_accepted_once_and_expires(
    mailing: Api, inbox: tuple[Inbox, int], clock: ManualClock
) -> None:
    api, (handler, _) = mailing, inbox
    org = api.new_org("Mail Trailers")
    base = f"/v1/organizations/{org.id}/invitations"
    invited = api.client.post(
        base, json={"email": "grace@example.com", "role": "operator"}, headers=api.admin
    )
    assert invited.status_code == 201
    assert invited.headers["cache-control"] == "no-store"

    assert len(handler.mails) == 1
    mail = handler.mails[0]
    assert (mail["To"], mail["From"]) == ("grace@example.com", "ops@example.com")
    assert "Mail Trailers" in mail["Subject"]
    link = _link(mail)
    assert link == invited.json()["url"]
    listed = api.client.get(base, headers=api.admin).json()["data"]
    assert [i["email"] for i in listed] == ["grace@example.com"]
    assert "url" not in listed[0]

    token = link.rsplit("/", 1)[-1]
    accept = f"/v1/invitations/{token}/accept"
    weak = api.client.post(accept, json={"name": "Grace", "password": "short"})
    assert weak.status_code == 422
    assert weak.json()["code"] == "password_too_weak"
    accepted = api.client.post(accept, json={"name": "Grace", "password": PASSWORD})
    assert accepted.status_code == 201
    again = api.client.post(accept, json={"name": "Grace", "password": PASSWORD})
    assert again.status_code == 404
    assert again.json()["code"] == "invitation_not_found"
    assert _sign_in(api.client, "grace@example.com", PASSWORD) == 303

    late = api.client.post(base, json={"email": "late@example.com", "role": "viewer"}, headers=api.admin)
    clock.advance(SEVEN_DAYS_S)
    expired = api.client.post(
        f"/v1/invitations/{late.json()['url'].rsplit('/', 1)[-1]}/accept",
        json={"name": "L", "password": PASSWORD},
    )
    assert expired.status_code == 404


def test_a_password_reset_link_sets_a_new_password_and_ends_every_session(
    mailing: Api, inbox: tuple[Inbox, int]
) -> None:
    api, (handler, _) = mailing, inbox
    org = api.new_org()
    person = api.new_person(org, "viewer", email="ada@example.com")
    assert _sign_in(api.client, person.email, PASSWORD) == 303
    old_cookie = api.client.cookies.get(COOKIE_NAME)

    made = api.client.post(
        f"/v1/organizations/{org.id}/members/{person.id}/password-reset", headers=api.admin
    )
    assert made.status_code == 201
    mail = handler.mails[-1]
    assert mail["To"] == "ada@example.com"
    link = _link(mail)
    assert link == made.json()["url"]

    api.client.cookies.clear()
    form = api.client.get(link)
    assert form.status_code == 200
    set_password = api.client.post(
        link, data={"password": "a brand new password", "csrf_token": _csrf(form)}, follow_redirects=False
    )
    assert set_password.status_code == 303

    api.client.cookies.clear()
    api.client.cookies.set(COOKIE_NAME, old_cookie or "")
    assert api.client.get("/ui/assets", follow_redirects=False).status_code == 303
    assert _sign_in(api.client, person.email, PASSWORD) == 401
    assert _sign_in(api.client, person.email, "a brand new password") == 303
    api.client.cookies.clear()
    reused = api.client.get(link)
    replay = api.client.post(link, data={"password": "yet another password", "csrf_token": _csrf(reused)})
    assert replay.status_code == 422


def test_without_a_mail_server_the_link_is_only_shown(api: Api) -> None:
    org = api.new_org()
    invited = api.client.post(
        f"/v1/organizations/{org.id}/invitations",
        json={"email": "x@example.com", "role": "viewer"},
        headers=api.admin,
    )
    assert invited.status_code == 201
    assert invited.json()["url"].startswith("http://testserver/ui/invitations/")


def test_links_are_under_the_public_url_in_mails_answers_and_the_ui(
    public: Api, inbox: tuple[Inbox, int]
) -> None:
    api, (handler, _) = public, inbox
    org = api.new_org("Proxied Trailers")
    invited = api.client.post(
        f"/v1/organizations/{org.id}/invitations",
        json={"email": "grace@example.com", "role": "viewer"},
        headers=api.admin,
    )
    assert invited.status_code == 201
    mailed = _link(handler.mails[-1])
    assert mailed.startswith(f"{PUBLIC_URL}/ui/invitations/"), mailed
    assert invited.json()["url"] == mailed
    # The link leads to the form of this pairhub (reached here without the proxy).
    assert api.client.get(mailed.removeprefix(PUBLIC_URL)).status_code == 200

    owner = api.new_person(org, "owner", email="owner@example.com")
    reset = api.client.post(
        f"/v1/organizations/{org.id}/members/{owner.id}/password-reset", headers=api.admin
    )
    assert reset.status_code == 201
    assert reset.json()["url"].startswith(f"{PUBLIC_URL}/ui/password-reset/"), reset.json()
    assert _link(handler.mails[-1]) == reset.json()["url"]

    assert _sign_in(api.client, owner.email, PASSWORD) == 303
    csrf = _csrf(api.client.get("/ui/members"))
    page = api.client.post(
        "/ui/members/invite", data={"email": "ada@example.com", "role": "viewer", "csrf_token": csrf}
    )
    assert page.status_code == 201
    shown = page.text.split('data-testid="invitation-link"', 1)[0].rsplit('value="', 1)[1].split('"', 1)[0]
    assert shown.startswith(f"{PUBLIC_URL}/ui/invitations/"), shown
    assert _link(handler.mails[-1]) == shown


def test_a_withdrawn_invitation_link_no_longer_works(api: Api) -> None:
    org, other = api.new_org(), api.new_org()
    invitations = f"/v1/organizations/{org.id}/invitations"
    invited = api.client.post(
        invitations, json={"email": "w@example.com", "role": "viewer"}, headers=api.admin
    )
    made = invited.json()
    token = made["url"].rsplit("/", 1)[-1]

    # Another organization cannot withdraw it.
    elsewhere = api.client.delete(f"/v1/organizations/{other.id}/invitations/{made['id']}", headers=api.admin)
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (404, "invitation_not_found")
    assert [i["id"] for i in api.client.get(invitations, headers=api.admin).json()["data"]] == [made["id"]]
    withdrawn = api.client.delete(f"{invitations}/{made['id']}", headers=api.admin)

    assert withdrawn.status_code == 204
    assert api.client.get(invitations, headers=api.admin).json()["data"] == []
    accepted = api.client.post(f"/v1/invitations/{token}/accept", json={"name": "W", "password": PASSWORD})
    assert (accepted.status_code, accepted.json()["code"]) == (404, "invitation_not_found")
    form = api.client.get(made["url"])
    refused = api.client.post(
        made["url"], data={"name": "W", "password": PASSWORD, "csrf_token": _csrf(form)}
    )
    assert refused.status_code == 422
    again = api.client.delete(f"{invitations}/{made['id']}", headers=api.admin)
    assert (again.status_code, again.json()["code"]) == (404, "invitation_not_found")
    members = api.client.get(f"/v1/organizations/{org.id}/members", headers=api.admin).json()["data"]
    assert members == []
