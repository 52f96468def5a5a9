"""A real `pairhub serve` on a temporary SQLite database and headless Chromium.

The webhook receiver is the shared one: the `receiver` fixture of `tests/conftest.py`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from tests.conftest import ADMIN_TOKEN, INGEST_TOKEN

CHROMIUM = Path(os.environ.get("PAIRHUB_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PAIRHUB = [sys.executable, "-c", "from pairhub.entrypoints.cli import main; main()"]
PHONE = {"width": 390, "height": 844}


MISSING_BROWSER = f"{CHROMIUM} not found (apt-get install chromium)"
UI_MODULES = sorted(path.name for path in Path(__file__).parent.glob("test_ui_*.py"))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Without the browser, leave the UI test modules out (the summary says so in one line)."""
    if collection_path.name in UI_MODULES and not CHROMIUM.exists():
        return True
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The one line that explains the missing UI tests (printed by the controller under pytest-xdist too)."""
    if not CHROMIUM.exists():
        terminalreporter.write_line(
            f"SKIPPED {len(UI_MODULES)} UI end-to-end test modules: {MISSING_BROWSER}", yellow=True
        )


@pytest.fixture(scope="session")
def _chromium() -> Path:
    """The browser tests need Debian's chromium; without it they all skip with this one reason."""
    if not CHROMIUM.exists():
        pytest.skip(f"UI end-to-end tests skipped: {MISSING_BROWSER}")
    return CHROMIUM


def new_unit_id(kind: str = "tp") -> str:
    """A unit id no other test uses (unit ids are unique across the whole server)."""
    return f"{kind}:{uuid.uuid4().int % 10**15:015d}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Person:
    """A person the tests made, who signs in with `PASSWORD`."""

    id: str
    email: str
    name: str


@dataclass
class Server:
    """The running pairhub server and an HTTP client of its API."""

    base_url: str
    api: httpx.Client
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path | None = None
    _admin: Person | None = None

    def platform_admin(self) -> Person:
        """The server's platform admin, made once with `pairhub admin create-user --platform-admin`."""
        if self._admin is None:
            email = f"admin-{uuid.uuid4().hex[:8]}@example.com"
            made = subprocess.run(
                [
                    *PAIRHUB,
                    "admin",
                    "create-user",
                    "--platform-admin",
                    "--name",
                    "Platform Admin",
                    "--password-stdin",
                    email,
                ],
                input=PASSWORD + "\n",
                env=self.env,
                cwd=self.workdir,
                capture_output=True,
                text=True,
                check=True,
            )
            self._admin = Person(made.stdout.strip(), email, "Platform Admin")
        return self._admin

    def invite(self, org_id: str, role: str, name: str) -> Person:
        """A new person with `role` in the organization: invited with the admin token, accepted by API."""
        email = f"{name.lower().replace(' ', '.')}-{uuid.uuid4().hex[:8]}@example.com"
        invited = self.api.post(
            f"/v1/organizations/{org_id}/invitations", json={"email": email, "role": role}
        )
        assert invited.status_code == 201, invited.text
        token = invited.json()["url"].rsplit("/", 1)[-1]
        accepted = self.api.post(f"/v1/invitations/{token}/accept", json={"name": name, "password": PASSWORD})
        assert accepted.status_code == 201, accepted.text
        return Person(accepted.json()["userId"], email, name)

    def new_org(self, name: str = "Acme Trailers", **fields: Any) -> Org:
        """Create an organization (admin token) and an API key for it."""
        created = self.api.post("/v1/organizations", json={"name": name, **fields})
        assert created.status_code == 201, created.text
        org_id = created.json()["id"]
        key = self.api.post(f"/v1/organizations/{org_id}/api-keys")
        assert key.status_code == 201, key.text
        return Org(org_id, name, key.json()["key"], key.json()["id"], self)

    def unit_messages(self, *messages: dict[str, Any]) -> dict[str, Any]:
        """Post unit messages with the ingest token, as the telematics gateway does."""
        response = self.api.post(
            "/v1/unit-messages",
            json={"messages": list(messages)},
            headers={"Authorization": f"Bearer {INGEST_TOKEN}"},
        )
        assert response.status_code == 202, response.text
        result: dict[str, Any] = response.json()
        assert result["rejected"] == [], result
        return result


@dataclass
class Org:
    """An organization of a test with its API key."""

    id: str
    name: str
    key: str
    key_id: str
    server: Server
    people: dict[str, Person] = field(default_factory=dict)

    def person(self, role: str = "owner") -> Person:
        """The organization's person with `role` (made on first use)."""
        if role not in self.people:
            self.people[role] = self.server.invite(self.id, role, f"{role.title()} of {self.name}")
        return self.people[role]

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call the API as this organization (`path` below /v1/organizations/{id})."""
        return self.server.api.request(
            method,
            f"/v1/organizations/{self.id}{path}",
            headers={"Authorization": f"Bearer {self.key}"},
            **kwargs,
        )

    def asset(self, vin: str | None = None, name: str | None = None) -> dict[str, Any]:
        """Create an asset through the API."""
        body = {key: value for key, value in {"vin": vin, "name": name}.items() if value is not None}
        response = self.call("POST", "/assets", json=body)
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def unit(self, unit_id: str) -> None:
        """Provision a unit through the API."""
        response = self.call("POST", "/units", json={"unitId": unit_id})
        assert response.status_code == 201, response.text


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, _chromium: Path) -> Iterator[Server]:
    """`pairhub serve` (API, UI, delivery worker, scheduler) in a subprocess on a free port."""
    workdir = tmp_path_factory.mktemp("server")
    port = _free_port()
    env = {
        **os.environ,
        "PAIRHUB_DATABASE_URL": f"sqlite:///{workdir / 'pairhub.db'}",
        "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAIRHUB_INGEST_TOKEN": INGEST_TOKEN,
        "PAIRHUB_ALLOW_PRIVATE_WEBHOOK_TARGETS": "true",
        "PAIRHUB_ALLOW_INSECURE_WEBHOOKS": "true",
        # Quick retries so a failing receiver shows its attempts within a test.
        "PAIRHUB_RETRY_SCHEDULE": "0,0.2,0.2",
        "PAIRHUB_LOG_FORMAT": "json",
    }
    log = (workdir / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pairhub.entrypoints.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=workdir,
    )
    base_url = f"http://127.0.0.1:{port}"
    api = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10)
    try:
        _wait_until_ready(api, process, workdir / "server.log")
        yield Server(base_url, api, env, workdir)
    finally:
        api.close()
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(api: httpx.Client, process: subprocess.Popen[bytes], log: Path) -> None:
    # Readiness polling, not a timing assertion: the loop ends as soon as /healthz answers.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"pairhub serve exited early:\n{log.read_text()}")
        try:
            if api.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"pairhub serve did not become ready:\n{log.read_text()}")


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver, open for one module at a time.

    While it is open it keeps its event loop registered as the running one, which breaks any asyncio
    test run meanwhile in the same process; under pytest-xdist a worker runs other modules after this
    one, so the driver closes with each module.
    """
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright, _chromium: Path) -> Iterator[Browser]:
    """Debian's headless Chromium."""
    launched = playwright.chromium.launch(
        executable_path=str(_chromium),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
    yield launched
    launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (no cookies) at desktop width."""
    context = browser.new_context(base_url=server.base_url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str, directory: Path = SCREENSHOTS) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ (or `directory`) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PASSWORD = "correct horse battery staple"
"""Every person the UI tests make signs in with this password."""


def sign_in(page: Page, who: Org | Server, role: str = "owner") -> Person:
    """Sign in through the form as a person: one with `role` in the organization `who`, or, given the
    server, its platform admin. The person is made on first use (an invitation accepted through the API)."""
    if isinstance(who, str):
        # People sign in as themselves: `sign_in(page, org.key)` is now `sign_in(page, org)`, and
        # `sign_in(page, ADMIN_TOKEN)` is `sign_in(page, server)`.
        raise TypeError("sign_in takes the Org (or the Server for its platform admin), not a key or token")
    person = who.person(role) if isinstance(who, Org) else who.platform_admin()
    sign_in_with(page, person.email, PASSWORD)
    return person


def sign_in_with(page: Page, email: str, password: str) -> None:
    """Fill the sign-in form with these credentials and send it."""
    page.goto("/ui/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    # The form's answer is a new document; a test that reloads or navigates before it arrives races it.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
