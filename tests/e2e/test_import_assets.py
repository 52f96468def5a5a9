"""`pairhub import-assets` against a real server: 10,000 rows, idempotent re-runs, refused lines."""

from __future__ import annotations

import json
import os
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


def _assets(base_url: str, org_id: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    cursor = ""
    while True:
        url = f"{base_url}/v1/organizations/{org_id}/assets?limit=1000" + (
            f"&after={cursor}" if cursor else ""
        )
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ADMIN}"})
        with urllib.request.urlopen(request) as response:
            page = json.load(response)
        found += page["data"]
        cursor = page["nextCursor"]
        if cursor is None:
            return found


def _import(base_url: str, org_id: str, csv_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAIRHUB, "import-assets", "--url", base_url, "--token", ADMIN, org_id, str(csv_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_ten_thousand_rows_then_rerun_adds_none(tmp_path: Path) -> None:
    rows = ["vin,name"] + [f"1HGCM82633A{n:06d},Trailer {n}" for n in range(10_000)]
    rows += ["1HGCM82633I000001,Has an I", "SHORT,Too short", ",", "1HGCM82633A000007,Repeated"]
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text("\n".join(rows) + "\n")
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": ADMIN})
    try:
        org_id = _create_org(base_url)
        first = _import(base_url, org_id, csv_path)
        second = _import(base_url, org_id, csv_path)
        stored = len(_assets(base_url, org_id))
    finally:
        stop(process)

    assert "10000 created, 0 already present, 3 refused" in first.stdout, first.stdout + first.stderr
    assert "line 10002: 1HGCM82633I000001: invalid_vin" in first.stdout
    assert "line 10003: SHORT: invalid_vin" in first.stdout
    assert "line 10004" not in first.stdout, "an empty line is skipped"
    assert "line 10005: 1HGCM82633A000007: duplicate_vin: same VIN as line 9" in first.stdout
    assert first.returncode == 1, "refused rows make the exit status non-zero"
    assert "0 created, 10000 already present, 3 refused" in second.stdout
    assert stored == 10_000


def test_a_wrong_header_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text("name,vin\nx,1HGCM82633A000001\n")
    result = _import("http://127.0.0.1:9", "org", csv_path)
    assert result.returncode == 2
    assert "header row must be `vin,name`" in result.stderr


def test_extra_columns_are_warned_about_and_a_line_without_vin_is_an_asset_without_vin(
    tmp_path: Path,
) -> None:
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text(
        "vin,name\n"
        "1HGCM82633A000001,Trailer 1\n"
        "1HGCM82633A000002,Trailer, 2\n"  # an unquoted comma in the name
        ",Reefer without VIN\n"
        ",Reefer without VIN\n"
        ",,only a note\n"
    )
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": ADMIN})
    try:
        org_id = _create_org(base_url)
        first = _import(base_url, org_id, csv_path)
        second = _import(base_url, org_id, csv_path)
        stored = _assets(base_url, org_id)
    finally:
        stop(process)

    assert (
        "line 3: warning: 3 columns, only vin and name are read; ignored: ' 2' "
        "(quote a name that holds the separator)" in first.stdout
    ), first.stdout
    assert "line 6: warning: 3 columns, only vin and name are read; ignored: 'only a note'" in first.stdout
    assert "line 5: (no VIN): duplicate_name: same name, no VIN, as line 4" in first.stdout
    assert "line 6: (no VIN): missing_vin_and_name" in first.stdout
    assert "3 created, 0 already present, 2 refused" in first.stdout
    assert "0 created, 3 already present, 2 refused" in second.stdout
    assert sorted((asset["vin"] or "", asset["name"]) for asset in stored) == [
        ("", "Reefer without VIN"),
        ("1HGCM82633A000001", "Trailer 1"),
        ("1HGCM82633A000002", "Trailer"),
    ]


def test_quoted_commas_a_byte_order_mark_a_semicolon_file_and_a_401(tmp_path: Path) -> None:
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('vin,name\n1HGCM82633A000011,"Reefer, north"\n"1HGCM82633A000012","Box ""7"""\n')
    bom = tmp_path / "bom.csv"
    bom.write_bytes("vin,name\r\n1HGCM82633A000021,Tautliner\r\n".encode("utf-8-sig"))
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text(
        'vin;name;note\n1HGCM82633A000031;Flatbed, 13,6 m;left, front\n"1HGCM82633A000032";"A;B";\n'
    )
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": ADMIN})
    try:
        org_id = _create_org(base_url)
        results = [_import(base_url, org_id, path) for path in (quoted, bom, semicolons)]
        refused = subprocess.run(
            [PAIRHUB, "import-assets", "--url", base_url, "--token", "wrong", org_id, str(quoted)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "COLUMNS": "40"},
        )
        stored = _assets(base_url, org_id)
    finally:
        stop(process)

    for result in results:
        assert result.returncode == 0, result.stdout + result.stderr
    assert "2 created" in results[0].stdout
    assert "1 created" in results[1].stdout
    assert "2 created" in results[2].stdout
    assert "line 1: warning: columns after vin,name are ignored: 'note'" in results[2].stdout
    assert (
        "line 2: warning: 3 columns, only vin and name are read; ignored: 'left, front'" in results[2].stdout
    )
    assert "line 3: warning" not in results[2].stdout  # an empty third value is not a value
    assert sorted((asset["vin"], asset["name"]) for asset in stored) == [
        ("1HGCM82633A000011", "Reefer, north"),
        ("1HGCM82633A000012", 'Box "7"'),
        ("1HGCM82633A000021", "Tautliner"),
        ("1HGCM82633A000031", "Flatbed, 13,6 m"),
        ("1HGCM82633A000032", "A;B"),
    ]
    # A refused token: one line, the server's words and code, not raw JSON wrapped at 40 columns.
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("Import failed: the server answered 401: "), line
    assert line.endswith("(unauthorized)"), line
    assert "{" not in line


def test_refused_lines_are_listed_twenty_at_most_and_the_rest_counted(tmp_path: Path) -> None:
    # 1,040 rows over two chunks of the bulk endpoint: 40 bad VINs in the first chunk (more than the
    # server lists for one), 10 in the second, and 5 VINs repeated in the file (refused before sending).
    rows = ["vin,name"]
    for n in range(1040):
        bad = n % 25 == 3 if n < 1000 else n % 4 == 0
        rows.append(f"{'BAD' if bad else '1HGCM82633A'}{n:06d},Trailer {n}")
    rows += [f"1HGCM82633A{n:06d},Again {n}" for n in (1, 2, 4, 5, 6)]
    csv_path = tmp_path / "assets.csv"
    csv_path.write_text("\n".join(rows) + "\n")
    bad_lines = [n + 2 for n in range(1040) if (n % 25 == 3 if n < 1000 else n % 4 == 0)]
    assert len(bad_lines) == 40 + 10
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": ADMIN})
    try:
        org_id = _create_org(base_url)
        result = _import(base_url, org_id, csv_path)
    finally:
        stop(process)

    refusals = 50 + 5
    printed = [line for line in result.stdout.splitlines() if line.startswith("line ")]
    assert [int(line.split()[1].rstrip(":")) for line in printed] == bad_lines[:20], result.stdout
    assert f"... and {refusals - 20} more refused lines" in result.stdout
    assert f"{1040 - 50} created, 0 already present, {refusals} refused" in result.stdout
    assert result.returncode == 1
