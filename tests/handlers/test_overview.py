"""The overview and the lists' orders and totals, as use cases on the in-memory storage."""

from __future__ import annotations

import pytest

from pairhub.domain.errors import NotFound
from pairhub.domain.model import AutoPairingState as S
from pairhub.domain.overview import HOUR_MS, AssetOrder, UnitOrder
from pairhub.services.overview import Overview
from tests.handlers.conftest import Hub


def test_the_overview_counts_units_by_state_as_the_units_use_case_does(hub: Hub) -> None:
    org = hub.org()
    asset = hub.asset(org, "1HGCM82633A000001", "Reefer")
    for unit_id in ("tp:1", "tp:2", "tp:3"):
        hub.units.provision(org, unit_id)
    hub.send("tp:1", "1HGCM82633A000001")
    hub.send("tp:2", "YV2AS02A6CB123456")

    found = Overview(hub.storage, hub.clock).of(org)

    assert (found.units.total, found.units.paired, found.units.not_paired) == (3, 1, 2)
    assert found.units.of(S.NOT_FOUND) == 1
    assert found.units.of(S.IDLE) == 1
    assert found.units == hub.units.counts(org)
    assert found.subscriptions == []
    assert found.window.start == found.at - found.at % HOUR_MS - 23 * HOUR_MS
    assert hub.assets.named(org, [asset, "missing"])[asset].name == "Reefer"


def test_an_unknown_organization_has_no_overview(hub: Hub) -> None:
    with pytest.raises(NotFound):
        Overview(hub.storage, hub.clock).of("no-such-org")


def test_the_lists_sort_and_count_through_their_use_cases(hub: Hub) -> None:
    org = hub.org()
    hub.asset(org, None, "beta")
    hub.asset(org, None, "Alpha")
    hub.units.provision(org, "tp:b")
    hub.units.provision(org, "tp:a")
    hub.clock.advance(5)
    hub.send("tp:b", "YV2AS02A6CB123456")

    names = [view.asset.name for view in hub.assets.list(org, order=AssetOrder.NAME).items]
    seen = [unit.id for unit in hub.units.list(org, order=UnitOrder.LAST_SEEN).items]

    assert names == ["Alpha", "beta"]
    assert seen == ["tp:b", "tp:a"]
    assert hub.assets.count(org, search="ALPHA") == 1
    assert hub.assets.count(org, paired=True) == 0
