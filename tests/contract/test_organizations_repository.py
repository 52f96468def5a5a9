"""The organizations and API keys contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain.organizations import ApiKey, Organization
from pairhub.ports import Storage


def test_organizations_round_trip_and_change(storage: Storage) -> None:
    first = Organization("00000000-0000-0000-0000-000000000001", "Acme", False, True, 10)
    second = Organization("00000000-0000-0000-0000-000000000002", "Bolt", True, False, 20)
    with storage.write() as uow:
        uow.organizations.add(second)
        uow.organizations.add(first)
    with storage.write() as uow:
        uow.organizations.save(replace(first, name="Acme Trailers", auto_pairing_enabled=True))
    with storage.read() as uow:
        assert uow.organizations.get(second.id) == second
        assert uow.organizations.get(first.id) == replace(
            first, name="Acme Trailers", auto_pairing_enabled=True
        )
        assert uow.organizations.get("00000000-0000-0000-0000-000000000003") is None
        assert [org.id for org in uow.organizations.list(None, None, 10)] == [first.id, second.id]
        assert [org.id for org in uow.organizations.list(None, first.id, 10)] == [second.id]
        assert [org.id for org in uow.organizations.list(second.id, None, 10)] == [second.id]
        assert len(uow.organizations.list(None, None, 1)) == 1


def test_api_keys_are_found_by_hash_until_revoked(storage: Storage) -> None:
    org = Organization("00000000-0000-0000-0000-000000000001", "Acme", False, True, 10)
    key = ApiKey("00000000-0000-0000-0000-00000000000a", org.id, "h" * 64, "phk_abcdefgh", 11)
    with storage.write() as uow:
        uow.organizations.add(org)
        uow.api_keys.add(key)
    with storage.read() as uow:
        assert uow.api_keys.find_active("h" * 64) == key
        assert uow.api_keys.get(key.id) == key
    with storage.write() as uow:
        uow.api_keys.save(replace(key, revoked_at=12))
    with storage.read() as uow:
        assert uow.api_keys.find_active("h" * 64) is None
        revoked = uow.api_keys.get(key.id)
    assert revoked is not None and not revoked.active
