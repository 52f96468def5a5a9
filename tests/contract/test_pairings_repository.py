"""The pairing history contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from pairhub.domain.assets import Asset
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.organizations import Organization
from pairhub.domain.pairings import PairingRecord
from pairhub.domain.units import Unit
from pairhub.ports import Storage


def test_entries_open_close_and_read_oldest_first(storage: Storage, organization: Organization) -> None:
    org = organization.id
    paired = [Unit(f"tp:{n}", org, 0, S.PAIRED, asset_id="a1", paired_at=10 + n) for n in (1, 2)]
    with storage.write() as uow:
        uow.assets.add(Asset("a1", org, None, None, 1, 1))
        for unit in paired:
            uow.units.add(unit)
        uow.pairings.open(paired, paired_by="AutoPair", paired_via="auto")
    with storage.write() as uow:
        closed = uow.pairings.close(org, "tp:1", 50, "ManualUnpair", "api")
        uow.pairings.open([paired[0]], paired_by="ManualPair", paired_via="ui")
    with storage.read() as uow:
        entries = uow.pairings.search(org, None, 0, 10)
        of_one = uow.pairings.search(org, "tp:1", 0, 10)
        after_first = uow.pairings.search(org, None, entries[0].seq, 1)
        elsewhere = uow.pairings.search("other", None, 0, 10)

    first = PairingRecord(closed.seq, org, "tp:1", "a1", 11, "AutoPair", "auto", 50, "ManualUnpair", "api")
    assert closed == first
    assert [(e.unit_id, e.paired_by, e.unpaired_at) for e in entries] == [
        ("tp:1", "AutoPair", 50),
        ("tp:2", "AutoPair", None),
        ("tp:1", "ManualPair", None),
    ]
    assert entries[0] == first
    assert [e.seq for e in entries] == sorted(e.seq for e in entries)
    assert [e.paired_by for e in of_one] == ["AutoPair", "ManualPair"]
    assert after_first == [entries[1]]
    assert elsewhere == []


def test_as_of_answers_the_entries_in_force_at_an_instant(
    storage: Storage, organization: Organization
) -> None:
    org = organization.id
    first = Unit("tp:1", org, 0, S.PAIRED, asset_id="a1", paired_at=100)
    second = Unit("tp:2", org, 0, S.PAIRED, asset_id="a2", paired_at=150)
    with storage.write() as uow:
        for asset_id in ("a1", "a2"):
            uow.assets.add(Asset(asset_id, org, None, None, 1, 1))
        uow.units.add(first)
        uow.units.add(second)
        uow.pairings.open([first, second], paired_by="AutoPair", paired_via="auto")
    with storage.write() as uow:
        uow.pairings.close(org, "tp:1", 200, "ManualUnpair", "api")
        uow.pairings.open([Unit("tp:1", org, 0, S.PAIRED, asset_id="a2", paired_at=200)], "ManualPair", "api")

    def at(instant: int, after: str | None = None, limit: int = 10) -> list[tuple[str, str]]:
        with storage.read() as uow:
            return [(e.unit_id, e.asset_id) for e in uow.pairings.as_of(org, instant, after, limit)]

    assert at(99) == []
    assert at(100) == [("tp:1", "a1")]
    assert at(199) == [("tp:1", "a1"), ("tp:2", "a2")]
    assert at(200) == [("tp:1", "a2"), ("tp:2", "a2")]
    assert at(200, limit=1) == [("tp:1", "a2")]
    assert at(200, after="tp:1") == [("tp:2", "a2")]
    with storage.read() as uow:
        assert uow.pairings.as_of("other", 200, None, 10) == []
