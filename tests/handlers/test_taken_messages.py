"""MQTT messages taken, on the in-memory storage: a resent message is recognized by the digest of its topic
and payload, written in the transaction of what the message caused (both or neither), and only the newest
digests are kept."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.ports import UnitOfWork
from pairhub.services.ingest import UnitMessage
from pairhub.services.taken_messages import PRUNE_EVERY, TakenMessages, digest_of
from tests.handlers.conftest import wired

TOPIC = "pairhub/units/tp:1/messages"


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def test_a_digest_is_of_the_topic_and_the_payload() -> None:
    digest = digest_of(TOPIC, b'{"vin": "X"}')

    assert len(digest) == 16
    assert digest == digest_of(TOPIC, b'{"vin": "X"}')
    assert digest != digest_of(TOPIC, b'{"vin": "Y"}')
    assert digest != digest_of("pairhub/units/tp:2/messages", b'{"vin": "X"}')


def test_remembered_messages_are_recognized_and_others_are_not(container: Container) -> None:
    taken, fresh = digest_of(TOPIC, b"1"), digest_of(TOPIC, b"2")
    assert container.taken_messages.taken([]) == set()

    container.taken_messages.remember([taken])

    assert container.taken_messages.taken([taken, fresh]) == {taken}


def test_digests_commit_with_what_their_messages_caused_or_not_at_all(container: Container) -> None:
    ingest = container.ingest.apart()
    first, second = digest_of(TOPIC, b"first"), digest_of(TOPIC, b"second")
    ingest.accept([UnitMessage(0, "tp:unknown")])
    ingest.commit_pending(lambda uow: container.taken_messages.note(uow, [first]))

    ingest.accept([UnitMessage(0, "tp:other")])

    def fails(uow: UnitOfWork) -> None:
        container.taken_messages.note(uow, [second])
        raise RuntimeError("the commit fails")

    with pytest.raises(RuntimeError):
        ingest.commit_pending(fails)
    assert container.taken_messages.taken([first, second]) == {first}
    assert [u.unit_id for u in container.unknown_units.list(None, 10).items] == ["tp:unknown"]


def test_only_the_newest_digests_are_kept(container: Container, clock: ManualClock) -> None:
    # The wired use case keeps 100,000 digests; one over the same storage that keeps 3 shows the rule.
    taken = TakenMessages(container.storage, container.clock, keep=3)
    digests = [digest_of(TOPIC, str(n).encode()) for n in range(PRUNE_EVERY)]
    for digest in digests[: PRUNE_EVERY - 1]:
        taken.remember([digest])
        clock.advance(1)
    assert len(taken.taken(digests)) == PRUNE_EVERY - 1  # pruned every 100 batches, not before

    taken.remember(digests[-1:])

    assert taken.taken(digests) == set(digests[-3:])
