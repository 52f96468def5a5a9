"""`pairhub import-assets`: load a `vin,name` CSV through the HTTP API's bulk endpoint (VIN optional)."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress

from pairhub.domain.vin import normalize_vin

CHUNK = 1000


class ImportFailed(Exception):
    """The file or the server made the import impossible (not a refused row)."""


@dataclass
class ImportReport:
    """What an import did: counts, every refused line with its reason, and warnings by line."""

    created: int = 0
    existing: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One data line of the file."""

    line: int
    vin: str
    name: str


def read_rows(path: Path, warnings: list[tuple[int, str]]) -> Iterator[Row]:
    """Every data row; the header must start with `vin,name`; ignored columns are warned about by line."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:2] != ["vin", "name"]:
            raise ImportFailed(f"{path}: the header row must be `vin,name`, not {','.join(header)!r}")
        if len(header) > 2:
            warnings.append((reader.line_num, f"columns after vin,name are ignored: {','.join(header[2:])}"))
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            extra = [cell.strip() for cell in row[len(header) :] if cell.strip()]
            if extra:
                # A stray comma inside a name shifts the columns: say so rather than import silently.
                count = len(row)
                warnings.append(
                    (
                        reader.line_num,
                        f"{count} columns, the header has {len(header)}; ignored: {','.join(extra)}",
                    )
                )
            padded = [*row, "", ""]
            yield Row(reader.line_num, padded[0].strip(), padded[1].strip())


def _identity(row: Row) -> str:
    """What makes two lines the same asset: the normalized VIN, else the name of an asset without one."""
    vin = normalize_vin(row.vin)
    return f"vin:{vin}" if vin else f"name:{row.name}"


def _post(url: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            answer: dict[str, Any] = json.load(response)
            return answer
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")
        raise ImportFailed(f"the server answered {error.code}: {detail}") from error
    except urllib.error.URLError as error:
        raise ImportFailed(f"cannot reach {url}: {error.reason}") from error


def import_assets(
    base_url: str, token: str, organization_id: str, path: Path, console: Console
) -> ImportReport:
    """Send the file in chunks of 1000 rows and collect the outcome of every row."""
    rows: list[Row] = []
    report = ImportReport()
    first_line_of: dict[str, int] = {}
    for row in read_rows(path, report.warnings):
        # A VIN (or VIN-less name) repeated in the file is a mistake in the file, not an existing asset.
        key = _identity(row)
        if key in first_line_of and key != "name:":
            same = (
                "duplicate_vin: same VIN" if key.startswith("vin:") else "duplicate_name: same name, no VIN,"
            )
            report.refused.append((row.line, row.vin, f"{same} as line {first_line_of[key]}"))
            continue
        first_line_of.setdefault(key, row.line)
        rows.append(row)
    endpoint = f"{base_url.rstrip('/')}/v1/organizations/{organization_id}/assets/bulk"
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Importing assets", total=len(rows))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            body = {"assets": [{"vin": row.vin or None, "name": row.name or None} for row in chunk]}
            answer = _post(endpoint, token, body)
            report.created += answer["created"]
            report.existing += answer["existing"]
            for result in answer["results"]:
                if result["status"] == "refused":
                    refused = chunk[result["index"]]
                    report.refused.append(
                        (refused.line, refused.vin, f"{result['code']}: {result['detail']}")
                    )
            progress.advance(task, len(chunk))
    report.refused.sort()
    return report
