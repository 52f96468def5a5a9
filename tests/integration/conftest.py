"""Fixtures of the integration tests shared across modules, and the tally of the schemathesis run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from pairhub import bootstrap
from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.conftest import make_settings


@pytest.fixture
def other_process(database_url: str, clock: ManualClock) -> Iterator[Container]:
    """A second container on the same database: its own engine and connections, like another process."""
    other = bootstrap.build(make_settings(database_url), clock)
    yield other
    other.close()


@dataclass
class RequestTally:
    """Requests that reached the application and the 5xx it answered, counted at the ASGI boundary."""

    requests: int
    server_errors: int

    @classmethod
    def empty(cls) -> RequestTally:
        """Nothing counted yet."""
        return cls(0, 0)

    def wrap(self, app: Any) -> Any:
        """`app`, counting every HTTP request and every 5xx answer into this tally."""

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            self.requests += 1

            async def observe(message: Any) -> None:
                if message["type"] == "http.response.start" and message["status"] >= 500:
                    self.server_errors += 1
                await send(message)

            await app(scope, receive, observe)

        return counted


FUZZ_TALLIES: dict[str, RequestTally] = {}
"""The schemathesis run's tally per database backend, printed at the end of the session."""


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, hand this worker's tallies to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fuzz_tallies"] = {
            backend: (tally.requests, tally.server_errors) for backend, tally in FUZZ_TALLIES.items()
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Add up the tallies a pytest-xdist worker handed over (the hook exists only with pytest-xdist)."""
    for backend, (requests, server_errors) in node.workeroutput.get("fuzz_tallies", {}).items():
        tally = FUZZ_TALLIES.setdefault(backend, RequestTally.empty())
        tally.requests += requests
        tally.server_errors += server_errors


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what schemathesis sent to each database and how many 5xx came back."""
    for backend, tally in sorted(FUZZ_TALLIES.items()):
        terminalreporter.write_line(
            f"schemathesis: {backend} {tally.requests} requests, {tally.server_errors} 5xx"
        )
