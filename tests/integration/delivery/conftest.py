"""Delivery tests share one container shape: a short retry schedule without jitter (10 s, 20 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from tests.delivery_support import delivery_container


@pytest.fixture
def container(database_url: str, clock: ManualClock) -> Iterator[Container]:
    """A container whose retries follow the schedule exactly (see `delivery_settings`)."""
    with delivery_container(database_url, clock) as built:
        yield built
