"""The demo fleet: its assets, its simulated units and the roles they play in the script."""

from __future__ import annotations

from dataclasses import dataclass

ORGANIZATION_NAME = "Demo Fleet"


@dataclass(frozen=True)
class DemoAsset:
    """An asset of the demo; `role` names it in the script."""

    role: str
    vin: str
    name: str


@dataclass(frozen=True)
class DemoUnit:
    """A simulated unit: the VIN it reports (None: position reports only) and where it drives."""

    role: str
    unit_id: str
    vin: str | None
    latitude: float
    longitude: float


def _filler_vins(count: int) -> list[str]:
    # Distinct serials far from the scripted ones, so that no filler asset becomes a partial match.
    makers = ("WKE", "WSM", "VF9", "YS2", "NLE", "SUD", "ZCF", "TMB")
    years = "ABCDEFGHJKLMNPRSTVWXY"
    return [
        f"{makers[n % len(makers)]}SD{n:03d}0{years[n % len(years)]}K{700001 + n * 37:06d}"
        for n in range(count)
    ]


_FILLER = _filler_vins(30)
ASSETS: tuple[DemoAsset, ...] = (
    DemoAsset("exact", "WDB9634031L738192", "Curtainsider 12"),
    DemoAsset("truncated", "YS2R4X20005399401", "Reefer 3"),
    DemoAsset("typo", "VF1RFB00X62812345", "Flatbed 7"),
    DemoAsset("twin-a", "SAJWA44B1A3D51234", "Tanker 1"),
    DemoAsset("twin-b", "WMAH05ZZ6A3D51234", "Tanker 2"),
    DemoAsset("manual", "1HGCM82633A000001", "Box trailer 4"),
    *(DemoAsset(f"fleet-{n}", vin, f"Trailer {n + 10}") for n, vin in enumerate(_FILLER)),
)
LATE_ASSET = DemoAsset("late", "XLRTE47MS0G654321", "Lowloader 9")
"""Created by the script after its unit was reported NotFound: the re-match pairs it at once."""

UNITS: tuple[DemoUnit, ...] = (
    DemoUnit("exact", "tp:890123847562301", "WDB9634031L738192", 50.869, 2.894),
    DemoUnit("truncated", "krone:441002887701", "05399401", 51.219, 4.402),
    DemoUnit("invalid", "txtrailerguard:359315075384726", "XXXXXX", 52.370, 4.895),
    DemoUnit("manual", "tp:890123847562307", None, 50.846, 4.352),
    DemoUnit("not-found", "tp:890123847562305", LATE_ASSET.vin, 48.856, 2.352),
    DemoUnit("multiple", "krone:441002887702", "A3D51234", 53.551, 9.993),
    DemoUnit("typo", "tp:890123847562303", "VF1RFB00Y62812345", 45.764, 4.835),
    *(
        DemoUnit(f"fleet-{n}", f"tp:89012384756231{n}", _FILLER[n], 49.0 + n * 0.7, 6.0 + n * 0.9)
        for n in range(5)
    ),
    DemoUnit("silent", "tp:890123847562320", None, 47.0, 8.0),
)
UNIT_BY_ROLE = {unit.role: unit for unit in UNITS}


@dataclass(frozen=True)
class DemoPlan:
    """What the simulation needs to know about a freshly seeded demo."""

    organization_id: str
    asset_ids: dict[str, str]
    base_url: str
    speed: float
