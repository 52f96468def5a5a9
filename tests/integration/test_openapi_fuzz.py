"""Schemathesis against /openapi.json on SQLite and PostgreSQL: no 5xx, no answer that contradicts the schema.

Every operation gets `PAIRHUB_FUZZ_EXAMPLES` generated cases per database (default below); the
requests that reach the application and the 5xx among them are counted by an ASGI wrapper and printed
at the end of the run (`schemathesis: sqlite ... requests, 0 5xx`). A larger budget for a nightly
run: `PAIRHUB_FUZZ_EXAMPLES=500 .venv/bin/python -m pytest tests/integration/test_openapi_fuzz.py`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks
from sqlalchemy.engine import make_url

from pairhub import bootstrap
from pairhub.bootstrap import Container
from pairhub.entrypoints.api.app import create_app
from tests.conftest import ADMIN_TOKEN, make_settings
from tests.integration.conftest import FUZZ_TALLIES, RequestTally

EXAMPLES = int(os.environ.get("PAIRHUB_FUZZ_EXAMPLES", "40"))
"""Generated cases per operation and database (the first budget was 25, on SQLite alone)."""


class Seeded:
    """Real objects of one organization, so that generated ids sometimes name something that exists."""

    def __init__(self, container: Container) -> None:
        org = container.organizations.create("Fuzzed Fleet", True, True)
        self.path_values: dict[str, str] = {
            "org_id": org.id,
            "asset_id": container.assets.create(org.id, "1HGCM82633A000001", "Fuzz trailer").asset.id,
            "unit_id": container.units.provision(org.id, "tp:890123847562332").id,
        }
        container.pairing.pair(org.id, "tp:890123847562332", self.path_values["asset_id"])
        subscription, _ = container.subscriptions.create(
            org.id, url=f"http://127.0.0.1:{_closed_port()}/hook", event_version=1, names=["unit.paired"]
        )
        self.path_values["sub_id"] = subscription.record.id

    def aim(self, case: schemathesis.Case) -> None:
        """Replace most generated path ids by real ones; which ones follows from the generated value."""
        for name, generated in list((case.path_parameters or {}).items()):
            # Decided by the drawn value, not by chance, so a failing case replays exactly.
            if name in self.path_values and generated != "" and len(str(generated)) % 4 != 3:
                case.path_parameters[name] = self.path_values[name]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class RoutedApp:
    """An ASGI app that hands each request to the application of the current test's database."""

    def __init__(self) -> None:
        self.target: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass the request on."""
        await self.target(scope, receive, send)


ROUTED = RoutedApp()
# The document does not depend on the database: read it once from an application without one.
ROUTED.target = create_app(bootstrap.build(make_settings("sqlite://")))
schema = schemathesis.openapi.from_asgi("/openapi.json", ROUTED)


@pytest.fixture
def seeded(database_url: str) -> Iterator[Seeded]:
    """The API on a fresh database of each backend, counted into the tally of that backend."""
    container = bootstrap.build(make_settings(database_url))
    backend = make_url(database_url).get_backend_name()
    tally = FUZZ_TALLIES.setdefault(backend, RequestTally.empty())
    ROUTED.target = tally.wrap(create_app(container))
    try:
        yield Seeded(container)
    finally:
        container.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_never_fails_and_matches_its_schema(case: schemathesis.Case, seeded: Seeded) -> None:
    seeded.aim(case)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        # The API enforces rules a JSON Schema cannot state (VIN alphabet, unique VINs, state
        # conflicts) and tolerates unknown query parameters, so these two checks would only
        # report those rules. Every other check runs, 5xx and schema conformance included.
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
    )
