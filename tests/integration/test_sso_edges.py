"""Single sign-on's edges without a provider: set up or not, a provider that does not answer, a stray
callback, settings that cannot work. Each is a page in words, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.config import SettingError
from pairhub.entrypoints.api.app import create_app
from tests.conftest import make_settings
from tests.e2e.processes import free_port


@pytest.fixture
def sso_client(sqlite_url: str, clock: ManualClock) -> Iterator[TestClient]:
    """pairhub configured for a provider on a port nobody listens on."""
    settings = make_settings(
        sqlite_url,
        oidc_issuer=f"http://127.0.0.1:{free_port()}/realms/fleet/",
        oidc_client_id="pairhub",
        oidc_name="Fleet ID",
    )
    container = bootstrap.build(settings, clock)
    with TestClient(create_app(container), follow_redirects=False) as client:
        yield client
    container.close()


def test_a_provider_that_does_not_answer_is_said_in_words(sso_client: TestClient) -> None:
    page = sso_client.get("/ui/sign-in")
    assert 'href="/ui/sign-in/oidc"' in page.text and "Sign in with Fleet ID" in page.text

    answer = sso_client.get("/ui/sign-in/oidc")

    assert answer.status_code == 502
    assert "The identity provider cannot be reached right now: try again in a moment." in answer.text


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("state=made-up&code=made-up", 400, "This sign-in is stale or was started elsewhere: start again."),
        ("", 400, "This sign-in is stale or was started elsewhere: start again."),
        ("error=access_denied", 401, "Fleet ID did not sign you in (access_denied)."),
        ("error=x&error_description=<script>", 401, "Fleet ID did not sign you in (&lt;script&gt;)."),
    ],
)
def test_a_stray_callback_is_refused_in_words(
    sso_client: TestClient, query: str, status: int, said: str
) -> None:
    answer = sso_client.get(f"/ui/sign-in/oidc/callback?{query}")

    assert answer.status_code == status
    assert said in answer.text


def test_without_a_provider_there_is_no_button_and_no_sign_in(client: TestClient) -> None:
    assert "/ui/sign-in/oidc" not in client.get("/ui/sign-in").text
    for path in ("/ui/sign-in/oidc", "/ui/sign-in/oidc/callback?state=a&code=b"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 404
        assert "Single sign-on is not set up on this pairhub." in answer.text


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"oidc_issuer": "https://id.example"}, "PAIRHUB_OIDC_CLIENT_ID"),
        ({"oidc_client_id": "pairhub"}, "PAIRHUB_OIDC_ISSUER"),
        ({"oidc_scopes": "email profile"}, "PAIRHUB_OIDC_SCOPES"),
        ({"oidc_domain_map": "fleet.example=org:admin"}, "PAIRHUB_OIDC_DOMAIN_MAP"),
    ],
)
def test_settings_that_cannot_work_stop_the_start(
    tmp_path: Path, overrides: dict[str, str], setting: str
) -> None:
    with pytest.raises(SettingError) as refused:
        bootstrap.build(make_settings(f"sqlite:///{tmp_path / 'x.db'}", **overrides))
    assert refused.value.setting == setting
