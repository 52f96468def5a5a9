"""`pairhub import-assets` against a real server: 10,000 rows, idempotent re-runs, refused lines."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

from tests.e2e.processes import PAIRHUB, start_serve, stop

ADMIN = "import-admin-token"


def _create_org(base_url: str) -> str:
    request = urllib.request.Request(
        f"{base_url}/v1/organizations",
        data=json.dumps({"name": "Importers"}).encode(),
        headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        org_id: str = json.load(response)["id"]
        return org_id


def _count_assets(base_url: str, org_id: str) -> int:
    total, cursor = 0, ""
    while True:
        url = f"{base_url}/v1/organizations/{org_id}/assets?limit=1000" + (
            f"&after={cursor}" if cursor else ""
        )
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ADMIN}"})
        with urllib.request.urlopen(request) as response:
            page = json.load(response)
        total += len(page["data"])
        cursor = page["nextCursor"]
        if cursor is None:
            return total


def _import(base_url: str, org_id: str, csv_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAIRHUB, "import-assets", "--url", base_url, "--token", ADMIN, org_id, str(csv_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_ten_thousand_rows_then_rerun_adds_none(tmp_path: Path) -> None:
    rows = ["vin,name"] + [f"1HGCM82633A{n:06d},Trailer {n}" for n in range(10_000)]
    rows += ["1HGCM82633I000001,Has an I", "SHORT,Too short", ",No VIN", "1HGCM82633A000007,Repeated"]
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text("\n".join(rows) + "\n")
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": ADMIN})
    try:
        org_id = _create_org(base_url)
        first = _import(base_url, org_id, csv_path)
        second = _import(base_url, org_id, csv_path)
        stored = _count_assets(base_url, org_id)
    finally:
        stop(process)

    assert "10000 created, 0 already present, 4 refused" in first.stdout, first.stdout + first.stderr
    assert "line 10002: 1HGCM82633I000001: invalid_vin" in first.stdout
    assert "line 10003: SHORT: invalid_vin" in first.stdout
    assert "line 10004: (no VIN): missing_vin" in first.stdout
    assert "line 10005: 1HGCM82633A000007: duplicate_vin: same VIN as line 9" in first.stdout
    assert first.returncode == 1, "refused rows make the exit status non-zero"
    assert "0 created, 10000 already present, 4 refused" in second.stdout
    assert stored == 10_000


def test_a_wrong_header_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text("name,vin\nx,1HGCM82633A000001\n")
    result = _import("http://127.0.0.1:9", "org", csv_path)
    assert result.returncode == 2
    assert "header row must be `vin,name`" in result.stderr
