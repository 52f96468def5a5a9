"""`pairhub import-assets`: load a `vin,name` CSV through the HTTP API's bulk endpoint."""

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
    """What an import did: counts and every refused line with its reason."""

    created: int = 0
    existing: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, str, str]]:
    """(line number, vin, name) of every data row; the header must be `vin,name`."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:2] != ["vin", "name"]:
            raise ImportFailed(f"{path}: the header row must be `vin,name`, not {','.join(header)!r}")
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            padded = [*row, "", ""]
            yield reader.line_num, padded[0].strip(), padded[1].strip()


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
    rows = []
    report = ImportReport()
    first_line_of: dict[str, int] = {}
    for line, vin, name in read_rows(path):
        # A VIN repeated in the file is a mistake in the file, not an asset that already exists.
        key = normalize_vin(vin)
        if key and key in first_line_of:
            report.refused.append((line, vin, f"duplicate_vin: same VIN as line {first_line_of[key]}"))
            continue
        first_line_of.setdefault(key, line)
        rows.append((line, vin, name))
    endpoint = f"{base_url.rstrip('/')}/v1/organizations/{organization_id}/assets/bulk"
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Importing assets", total=len(rows))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            body = {"assets": [{"vin": vin or None, "name": name or None} for _, vin, name in chunk]}
            answer = _post(endpoint, token, body)
            report.created += answer["created"]
            report.existing += answer["existing"]
            for result in answer["results"]:
                if result["status"] == "refused":
                    line, vin, _ = chunk[result["index"]]
                    report.refused.append((line, vin, f"{result['code']}: {result['detail']}"))
            progress.advance(task, len(chunk))
    report.refused.sort()
    return report
