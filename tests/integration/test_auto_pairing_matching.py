"""The VIN lookups: index searches on both backends, and the same answers as the rules applied by hand."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, delete, insert, text
from sqlalchemy.pool import StaticPool

from pairhub.adapters.sql import matching
from pairhub.adapters.sql.assets import SqlAssets, vin_columns
from pairhub.adapters.sql.tables import assets, metadata, organizations
from pairhub.bootstrap import Container
from pairhub.domain import vin as vins
from pairhub.services.auto_pairing.resolve import match

ROOT = Path(__file__).resolve().parents[2]
OURS, THEIRS = "org-ours", "org-theirs"


def add_assets(connection: Connection, organization_id: str, fleet: list[str]) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in fleet]
    if fleet:
        connection.execute(
            insert(assets),
            [
                {
                    "id": i,
                    "organization_id": organization_id,
                    "created_at": 0,
                    "updated_at": 0,
                    **vin_columns(v),
                }
                for i, v in zip(ids, fleet, strict=True)
            ],
        )
    return ids


def add_organization(connection: Connection, organization_id: str) -> None:
    connection.execute(
        insert(organizations),
        {
            "id": organization_id,
            "name": organization_id,
            "auto_pairing_enabled": True,
            "datahub_subscription_active": True,
            "created_at": 0,
        },
    )


def plan(connection: Connection, query: Any) -> str:
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    prefix = "EXPLAIN QUERY PLAN " if connection.dialect.name == "sqlite" else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in connection.exec_driver_sql(prefix + sql))


def test_every_lookup_is_an_index_search(container: Container) -> None:
    fleet = [f"{n:011d}"[-11:].replace("0", "A") + f"{n:06d}" for n in range(1, 5001)]
    with container.database.write() as connection:
        add_organization(connection, OURS)
        add_organization(connection, THEIRS)
        add_assets(connection, OURS, fleet)
        add_assets(connection, THEIRS, fleet[:1000])
        connection.execute(text("ANALYZE"))
    probe = fleet[1234]
    queries = {
        "exact": (matching.exact_query(OURS, [probe]), "uq_assets_organization_id_vin"),
        "P1": (matching.ranges_query(OURS, [probe[-9:]]), "ix_assets_org_vin_reversed"),
        "P1 of many": (
            matching.ranges_query(OURS, [vin[-n:] for n, vin in zip(range(6, 17), fleet, strict=False)]),
            "ix_assets_org_vin_reversed",
        ),
        "P2": (matching.serials_query(OURS, [probe]), "ix_assets_org_vin_serial"),
        "P2 of many": (matching.serials_query(OURS, fleet[:10]), "ix_assets_org_vin_serial"),
    }
    with container.database.read() as connection:
        plans = {name: plan(connection, query) for name, (query, _) in queries.items()}
    print("\n".join(f"{name}: {text_}" for name, text_ in plans.items()))  # shown with -s
    for name, (_, index) in queries.items():
        if container.database.is_sqlite:
            assert "SEARCH assets USING" in plans[name], plans[name]
            assert "SCAN assets" not in plans[name], plans[name]
            if name != "exact":  # SQLite names the unique constraint's index sqlite_autoindex_*
                assert index in plans[name]
        else:
            assert index in plans[name], plans[name]
            assert "Seq Scan" not in plans[name], plans[name]
    with container.database.read() as connection:
        assert match(SqlAssets(connection), OURS, probe).asset_id is not None
        assert match(SqlAssets(connection), OURS, probe[-9:]).kind is vins.MatchKind.PARTIAL


# A tiny alphabet makes shared tails and serials, hence partial and multiple matches, frequent.
TINY = "AB12"
tiny_vins = st.text(alphabet=TINY, min_size=17, max_size=17).filter(lambda v: len(set(v)) > 1)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[str], list[str], str]:
    ours = draw(st.lists(tiny_vins, max_size=8, unique=True))
    theirs = draw(st.lists(tiny_vins, max_size=8, unique=True))
    source = draw(st.sampled_from(ours + theirs)) if ours + theirs else "AB12AB12AB12AB12A"
    kind = draw(st.sampled_from(["exact", "tail", "typo", "random"]))
    if kind == "exact":
        sensor = source
    elif kind == "tail":
        sensor = source[-draw(st.integers(min_value=6, max_value=16)) :]
    elif kind == "typo":
        position = draw(st.integers(min_value=0, max_value=10))
        sensor = source[:position] + draw(st.sampled_from(TINY)) + source[position + 1 :]
    else:
        sensor = draw(st.text(alphabet=TINY, min_size=6, max_size=17))
    return ours, theirs, sensor


@pytest.fixture(scope="module")
def memory() -> Any:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    metadata.create_all(engine)
    with engine.begin() as connection:
        add_organization(connection, OURS)
        add_organization(connection, THEIRS)
    yield engine
    engine.dispose()


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(scenarios())
def test_lookups_agree_with_the_rules_and_never_cross_organizations(
    memory: Any, scenario: tuple[list[str], list[str], str]
) -> None:
    ours, theirs, sensor = scenario
    assume(vins.is_usable_sensor_vin(sensor))
    with memory.connect() as connection:  # never committed: each example starts from no assets
        connection.execute(delete(assets))
        our_ids = add_assets(connection, OURS, ours)
        add_assets(connection, THEIRS, theirs)
        result = match(SqlAssets(connection), OURS, sensor)

    by_id = dict(zip(our_ids, ours, strict=True))
    exact = next((asset_id for asset_id, vin in by_id.items() if vin == sensor), None)
    expected = vins.decide_match(sensor, exact, by_id.items())
    assert result == expected
    assert {result.asset_id, *result.candidate_asset_ids} - {None} <= set(our_ids)


def test_the_latency_script_runs(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "match_latency.py"), "--assets", "3000", "--lookups", "50"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for line in ("exact", "P1", "P2", "plan P1: SEARCH assets USING INDEX ix_assets_org_vin_reversed"):
        assert line in completed.stdout
