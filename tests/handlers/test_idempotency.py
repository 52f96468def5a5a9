"""Idempotency keys on the in-memory storage: the first answer to a key is every retry's for 24 hours, another
request under it is refused, one still running is told so, and a failed one frees the key."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.idempotency import IDEMPOTENCY_WINDOW_MS, Verdict
from pairhub.services.idempotency import Answer, fingerprint
from tests.handlers.conftest import wired

SCOPE = "org-1"
POST = fingerprint("POST", "/v1/organizations/org-1/assets", "", b'{"name": "Reefer"}')
ANSWER = Answer(201, (("content-type", "application/json"), ("location", "/assets/a-1")), b'{"id": "a-1"}')


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def test_the_first_request_runs_and_its_retries_get_its_answer_byte_for_byte(
    container: Container, clock: ManualClock
) -> None:
    keys = container.idempotency
    first = keys.claim(SCOPE, "k-1", POST)
    assert (first.verdict, first.created_at, first.answer) == (None, clock.now_ms(), None)

    running = keys.claim(SCOPE, "k-1", POST)
    keys.keep(SCOPE, "k-1", ANSWER)
    clock.advance(3600)
    replay = keys.claim(SCOPE, "k-1", POST)

    assert running.verdict is Verdict.IN_PROGRESS
    assert (replay.verdict, replay.answer, replay.created_at) == (Verdict.REPLAY, ANSWER, first.created_at)


def test_another_request_under_the_same_key_is_refused(container: Container) -> None:
    keys = container.idempotency
    keys.claim(SCOPE, "k-1", POST)
    keys.keep(SCOPE, "k-1", ANSWER)

    others = [
        fingerprint("POST", "/v1/organizations/org-1/assets", "", b'{"name": "Other"}'),
        fingerprint("POST", "/v1/organizations/org-1/units", "", b'{"name": "Reefer"}'),
        fingerprint("POST", "/v1/organizations/org-1/assets", "dryRun=1", b'{"name": "Reefer"}'),
        fingerprint("PUT", "/v1/organizations/org-1/assets", "", b'{"name": "Reefer"}'),
    ]

    assert len({POST, *others}) == 5
    for other in others:
        refused = keys.claim(SCOPE, "k-1", other)
        assert (refused.verdict, refused.answer) == (Verdict.REUSED, None)


def test_keys_are_per_scope(container: Container) -> None:
    keys = container.idempotency
    keys.claim(SCOPE, "k-1", POST)
    keys.keep(SCOPE, "k-1", ANSWER)

    elsewhere = keys.claim("org-2", "k-1", POST)

    assert elsewhere.verdict is None


def test_a_failed_request_frees_its_key_for_the_retry(container: Container, clock: ManualClock) -> None:
    keys = container.idempotency
    failed = keys.claim(SCOPE, "k-1", POST)

    keys.abandon(SCOPE, "k-1", failed.created_at)
    clock.advance(1)
    retry = keys.claim(SCOPE, "k-1", POST)

    assert (retry.verdict, retry.created_at) == (None, clock.now_ms())
    keys.abandon(SCOPE, "k-1", failed.created_at)  # a late abandon of the first claim frees nothing
    assert keys.claim(SCOPE, "k-1", POST).verdict is Verdict.IN_PROGRESS


def test_after_24_hours_a_key_starts_afresh(container: Container, clock: ManualClock) -> None:
    keys = container.idempotency
    keys.claim(SCOPE, "k-1", POST)
    keys.keep(SCOPE, "k-1", ANSWER)

    clock.advance(IDEMPOTENCY_WINDOW_MS / 1000 - 0.001)
    assert keys.claim(SCOPE, "k-1", POST).verdict is Verdict.REPLAY
    clock.advance(0.001)
    fresh = keys.claim(SCOPE, "k-1", fingerprint("POST", "/v1/other", "", b""))

    assert (fresh.verdict, fresh.created_at) == (None, clock.now_ms())
    assert keys.claim(SCOPE, "k-1", POST).verdict is Verdict.REUSED  # the key now holds the new request
