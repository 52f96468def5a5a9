"""Bearer tokens resolved to callers on the in-memory storage: the instance's tokens and API keys by
scope, expiry and revocation, and the key's last use written in batches to the minute."""

from __future__ import annotations

import pytest

from pairhub.adapters.clock import ManualClock
from pairhub.bootstrap import Container
from pairhub.domain.access import ADMIN, INGEST, Action, ActorType, Decision, Role, decide
from pairhub.domain.organizations import KeyScope
from pairhub.services.auth import hash_key
from tests.conftest import ADMIN_TOKEN, INGEST_TOKEN
from tests.handlers.conftest import wired


@pytest.fixture
def container(clock: ManualClock) -> Container:
    """The use cases on an empty in-memory storage."""
    return wired(clock)


def test_the_instance_tokens_are_the_admin_and_the_ingest_caller(container: Container) -> None:
    authenticate = container.authenticator.authenticate

    assert authenticate(ADMIN_TOKEN) is ADMIN
    assert authenticate(INGEST_TOKEN) is INGEST
    assert container.authenticator.is_admin_token(ADMIN_TOKEN)
    assert not container.authenticator.is_admin_token(INGEST_TOKEN)
    for stranger in ("", "nonsense", ADMIN_TOKEN + "x", "phk_" + "a" * 43):
        assert authenticate(stranger) is None


def test_a_key_acts_in_its_own_organization_with_the_role_of_its_scope(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    other = container.organizations.create("Other", False, True).id
    roles = {}
    for scope in KeyScope:
        key, clear = container.organizations.create_api_key(org, name=f"{scope} key", scope=scope)
        caller = container.authenticator.authenticate(clear)
        assert caller is not None
        assert (caller.actor_type, caller.actor_id, caller.actor_name) == (
            ActorType.API_KEY,
            key.id,
            f"{scope} key",
        )
        assert (caller.key_id, caller.organization_id, caller.is_admin) == (key.id, org, False)
        roles[scope] = caller.role_in(org)
        assert caller.role_in(other) is None
        assert decide(caller, Action.ORGANIZATION_READ, other) is Decision.NOT_FOUND

    assert roles == {KeyScope.FULL: Role.OPERATOR, KeyScope.READ: Role.VIEWER, KeyScope.INGEST: Role.INGEST}


def test_a_key_is_stored_as_its_hash_and_a_nameless_key_is_named_by_its_prefix(
    container: Container,
) -> None:
    org = container.organizations.create("Fleet", False, True).id

    key, clear = container.organizations.create_api_key(org)

    assert clear.startswith("phk_") and key.prefix == clear[:12]
    assert key.key_hash == hash_key(clear) != clear
    with container.storage.read() as uow:
        assert uow.api_keys.get(key.id) == key
    caller = container.authenticator.authenticate(clear)
    assert caller is not None and caller.actor_name == key.prefix


def test_a_key_works_until_its_expiry_and_not_at_it(container: Container, clock: ManualClock) -> None:
    org = container.organizations.create("Fleet", False, True).id
    _, clear = container.organizations.create_api_key(org, expires_at=clock.now_ms() + 3_600_000)

    clock.advance(3600 - 0.001)
    assert container.authenticator.authenticate(clear) is not None
    clock.advance(0.001)
    assert container.authenticator.authenticate(clear) is None


def test_a_revoked_key_is_refused_at_once(container: Container) -> None:
    org = container.organizations.create("Fleet", False, True).id
    key, clear = container.organizations.create_api_key(org, name="leaked")
    kept, kept_clear = container.organizations.create_api_key(org, name="kept")
    assert container.authenticator.authenticate(clear) is not None

    container.organizations.revoke_api_key(org, key.id)

    assert container.authenticator.authenticate(clear) is None
    still = container.authenticator.authenticate(kept_clear)
    assert still is not None and still.key_id == kept.id


def test_last_use_is_noted_in_memory_and_written_once_a_minute(
    container: Container, clock: ManualClock
) -> None:
    org = container.organizations.create("Fleet", False, True).id
    _, clear = container.organizations.create_api_key(org, name="poller")

    def last_used() -> int | None:
        [listed] = container.organizations.api_keys(org, None, 10).items
        return listed.last_used_at

    clock.advance(90)  # half past the minute
    container.authenticator.authenticate(clear)
    container.authenticator.authenticate(clear)
    assert last_used() is None  # the requests wrote nothing
    assert container.authenticator.usage.flush() == 1
    minute = clock.now_ms() - clock.now_ms() % 60_000
    assert last_used() == minute

    clock.advance(20)  # the same minute: nothing new to write
    container.authenticator.authenticate(clear)
    assert container.authenticator.usage.flush() == 0
    clock.advance(60)
    container.authenticator.authenticate(clear)
    assert container.authenticator.usage.flush() == 1
    assert last_used() == minute + 60_000
