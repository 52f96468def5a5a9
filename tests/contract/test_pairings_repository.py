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
        closed = uow.pairings.close("tp:1", 50, "ManualUnpair:api")
        uow.pairings.open([paired[0]], paired_by="ManualPair", paired_via="ui")
    with storage.read() as uow:
        entries = uow.pairings.search(org, None, 0, 10)
        of_one = uow.pairings.search(org, "tp:1", 0, 10)
        after_first = uow.pairings.search(org, None, entries[0].seq, 1)
        elsewhere = uow.pairings.search("other", None, 0, 10)

    first = PairingRecord(closed.seq, org, "tp:1", "a1", 11, "AutoPair", "auto", 50, "ManualUnpair:api")
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
