"""Single sign-on in Chromium against a real OpenID Connect provider (the npm package `oidc-provider`,
run with the machine's Node.js on a free port): people are made in the organization their email
domain or group maps to, matched by verified email, and refused in words otherwise."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import ADMIN_TOKEN
from tests.e2e.conftest import DESKTOP, PAIRHUB, PASSWORD, PHONE, shot
from tests.e2e.processes import free_port, start_serve, stop

PROVIDER_SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
PROVIDER_PACKAGE = "oidc-provider@9"
CACHE = (
    Path(os.environ.get("PAIRHUB_TEST_NPM_CACHE", Path.home() / ".cache" / "pairhub-tests"))
    / "oidc-provider-9"
)
CLIENT_ID, CLIENT_SECRET = "pairhub", "a client secret for the tests only"
PROVIDER_NAME = "Fleet ID"


def _provider_package() -> Path:
    """`oidc-provider` installed once into a cache directory (skips with one reason when it cannot be)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(
            "single sign-on tests skipped: Node.js and npm are not installed (apt-get install nodejs npm)"
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < 20:
        pytest.skip(
            f"single sign-on tests skipped: {PROVIDER_PACKAGE} needs Node.js 20 or later, not {version}"
        )
    if not (CACHE / "node_modules" / "oidc-provider" / "package.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        installed = subprocess.run(
            [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent", PROVIDER_PACKAGE],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if installed.returncode != 0:
            pytest.skip(
                f"single sign-on tests skipped: npm install {PROVIDER_PACKAGE} failed: "
                + installed.stderr[-300:]
            )
    return CACHE


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log: Path) -> None:
    # Readiness polling, not a timing assertion: the loop ends as soon as the provider answers.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the OpenID provider exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the OpenID provider did not answer its discovery document")


@dataclass(frozen=True)
class Sso:
    """pairhub with single sign-on through the running provider, and the organizations it maps to."""

    base_url: str
    api: httpx.Client
    fleet: str
    """Where the domain fleet.example lands (as operator); the group fleet-owners makes owners here."""
    partners: str
    """An organization no rule names (its people are invited)."""
    env: dict[str, str]
    workdir: Path


def _pairhub(env: dict[str, str], workdir: Path, *args: str) -> str:
    """Run a `pairhub` command on the test's database and return what it printed."""
    done = subprocess.run(
        [*PAIRHUB, *args], env={**os.environ, **env}, cwd=workdir, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory, _chromium: Path) -> Iterator[Sso]:
    """The provider (node) and a `pairhub serve` configured for it, each on a free port."""
    package = _provider_package()
    workdir = tmp_path_factory.mktemp("sso")
    provider_port, pairhub_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    callback = f"http://127.0.0.1:{pairhub_port}/ui/sign-in/oidc/callback"
    provider_log = workdir / "provider.log"
    with provider_log.open("wb") as sink:
        provider = subprocess.Popen(
            [
                "node",
                str(PROVIDER_SCRIPT),
                str(package),
                str(provider_port),
                CLIENT_ID,
                CLIENT_SECRET,
                callback,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_discovery(issuer, provider, provider_log)
        env = {
            "PAIRHUB_DATABASE_URL": f"sqlite:///{workdir / 'pairhub.db'}",
            "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN,
            "PAIRHUB_LOG_FORMAT": "json",
        }
        # The organizations exist before the server starts: the maps name them.
        _pairhub(env, workdir, "db", "upgrade")
        fleet = _pairhub(env, workdir, "admin", "create-organization", "Fleet Trailers").split()[-1]
        partners = _pairhub(env, workdir, "admin", "create-organization", "Partner Trailers").split()[-1]
        env |= {
            "PAIRHUB_OIDC_ISSUER": issuer,
            "PAIRHUB_OIDC_CLIENT_ID": CLIENT_ID,
            "PAIRHUB_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "PAIRHUB_OIDC_NAME": PROVIDER_NAME,
            "PAIRHUB_OIDC_SCOPES": "openid email profile groups",
            "PAIRHUB_OIDC_DOMAIN_MAP": f"fleet.example={fleet}:operator",
            "PAIRHUB_OIDC_ROLE_CLAIM": "groups",
            "PAIRHUB_OIDC_ROLE_MAP": f"fleet-owners={fleet}:owner",
        }
        server, base_url = start_serve(workdir, env, pairhub_port)
        api = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10)
        try:
            yield Sso(base_url, api, fleet, partners, env, workdir)
        finally:
            api.close()
            stop(server)
    finally:
        provider.terminate()
        provider.wait(timeout=10)


@pytest.fixture(params=["desktop", "phone"])
def sized(request: pytest.FixtureRequest, browser: Browser, sso: Sso) -> Iterator[tuple[str, Page]]:
    """A fresh browser (no cookies at pairhub or at the provider) at desktop and at phone width."""
    context = browser.new_context(
        base_url=sso.base_url, viewport=DESKTOP if request.param == "desktop" else PHONE
    )
    context.set_default_timeout(10_000)
    # The provider's test pages import a web font; the tests need no network beyond loopback.
    context.route(re.compile(r"^https://fonts\."), lambda route: route.abort())
    yield request.param, context.new_page()
    context.close()


@pytest.fixture
def page(browser: Browser, sso: Sso) -> Iterator[Page]:
    """A fresh browser at desktop width."""
    context = browser.new_context(base_url=sso.base_url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    context.route(re.compile(r"^https://fonts\."), lambda route: route.abort())
    yield context.new_page()
    context.close()


def _sign_in_at_provider(page: Page, login: str, name: str) -> None:
    """From pairhub's sign-in page through the provider's own login and consent pages."""
    page.goto("/ui/sign-in")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/interaction/"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the provider's test pages take any")
    page.get_by_role("button", name="Sign-in").click()
    shot(page, f"sso-provider-consent-{name}")
    page.get_by_role("button", name="Continue").click()


def _sign_in_again(page: Page) -> None:
    """Sign in once more: the provider remembers the login, and may or may not ask to confirm again."""
    page.goto("/ui/sign-in")
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.wait_for_url(re.compile(r"/ui/overview$|/interaction/"))
    if "/interaction/" in page.url:
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/ui/overview$"))


def _members(sso: Sso, org_id: str) -> dict[str, str]:
    answer = sso.api.get(f"/v1/organizations/{org_id}/members")
    assert answer.status_code == 200, answer.text
    return {member["email"]: member["role"] for member in answer.json()["data"]}


ACCOUNTS = {
    # At desktop width: placed by the email's domain; at phone width: by a group, as owner.
    "desktop": ("ada", "Ada Lovelace", "ada@fleet.example", "operator"),
    "phone": ("grace", "Grace Hopper", "grace@fleet.example", "owner"),
}


def test_a_first_sign_in_makes_the_person_in_the_mapped_organization(
    sized: tuple[str, Page], sso: Sso
) -> None:
    size, page = sized
    login, name, email, role = ACCOUNTS[size]
    assert email not in _members(sso, sso.fleet)
    page.goto("/ui/sign-in")
    shot(page, f"{size}-sso-sign-in")

    _sign_in_at_provider(page, login, size)

    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    expect(page.get_by_test_id("signed-in-as")).to_have_text(name)
    expect(page.get_by_test_id("acting-org")).to_contain_text("Fleet Trailers")
    shot(page, f"{size}-sso-signed-in")
    assert _members(sso, sso.fleet)[email] == role
    assert email not in _members(sso, sso.partners)
    joined = sso.api.get(
        f"/v1/organizations/{sso.fleet}/audit-log", params={"action": "member.joined"}
    ).json()["data"]
    entry = next(e for e in joined if e["changes"]["email"][1] == email)
    assert (entry["actor"]["type"], entry["actor"]["name"]) == ("person", name)
    assert entry["changes"]["via"] == [None, "sso"]

    # Signing in again finds the same person: nobody is made twice.
    page.get_by_role("button", name="Sign out").click()
    _sign_in_again(page)
    expect(page.get_by_test_id("signed-in-as")).to_have_text(name)
    assert list(_members(sso, sso.fleet)).count(email) == 1


def test_a_person_who_exists_is_matched_by_verified_email(page: Page, sso: Sso) -> None:
    # Linus was invited to the partners' organization, which no rule names, and set a password.
    invited = sso.api.post(
        f"/v1/organizations/{sso.partners}/invitations",
        json={"email": "Linus@Partner.example", "role": "viewer"},
    )
    assert invited.status_code == 201, invited.text
    token = invited.json()["url"].rsplit("/", 1)[-1]
    accepted = sso.api.post(f"/v1/invitations/{token}/accept", json={"name": "Linus", "password": PASSWORD})
    assert accepted.status_code == 201, accepted.text

    _sign_in_at_provider(page, "linus", "linus")

    expect(page).to_have_url(re.compile(r"/ui/overview$"))
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Linus")
    expect(page.get_by_test_id("acting-org")).to_contain_text("Partner Trailers")
    assert _members(sso, sso.partners) == {"Linus@Partner.example": "viewer"}
    assert "linus@partner.example" not in {email.lower() for email in _members(sso, sso.fleet)}


@pytest.mark.parametrize(
    ("login", "status", "message"),
    [
        ("eve", 403, "Fleet ID did not confirm an email address for this account"),
        ("mallory", 403, "mallory@elsewhere.example has no account here, and no organization takes people"),
    ],
)
def test_an_unverified_or_unmapped_person_is_refused_in_words(
    page: Page, sso: Sso, login: str, status: int, message: str
) -> None:
    with page.expect_response(lambda r: "/ui/sign-in/oidc/callback" in r.url) as back:
        _sign_in_at_provider(page, login, login)

    assert back.value.status == status
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    shot(page, f"sso-refused-{login}")
    page.goto("/ui/overview")
    expect(page).to_have_url(re.compile(r"/ui/sign-in$"))
    for org_id in (sso.fleet, sso.partners):
        assert not any(email.startswith(login) for email in _members(sso, org_id))


def test_a_forged_stale_or_refused_callback_is_answered_in_words(page: Page, sso: Sso) -> None:
    forged = page.goto("/ui/sign-in/oidc/callback?state=made-up&code=made-up")
    assert forged is not None and forged.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "This sign-in is stale or was started elsewhere: start again."
    )

    cancelled = page.goto("/ui/sign-in/oidc/callback?error=access_denied&error_description=End-User+aborted")
    assert cancelled is not None and cancelled.status == 401
    expect(page.get_by_role("alert")).to_have_text("Fleet ID did not sign you in (End-User aborted).")

    # A callback replayed after its sign-in was used: the attempt is gone from the session.
    _sign_in_at_provider(page, "ada", "replay")
    page.get_by_role("button", name="Sign out").click()
    with page.expect_response(lambda r: "/ui/sign-in/oidc/callback" in r.url) as used:
        _sign_in_again(page)
    replayed = page.goto(used.value.url)
    assert replayed is not None and replayed.status == 400
    expect(page.get_by_role("alert")).to_have_text(
        "This sign-in is stale or was started elsewhere: start again."
    )
