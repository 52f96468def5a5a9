"""Fixtures of the integration tests shared across modules."""

from __future__ import annotations

from collections.abc import Iterator

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
