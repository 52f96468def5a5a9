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
    """What an import did: counts, the refused lines with their reasons, and warnings by line."""

    created: int = 0
    existing: int = 0
    refused: list[tuple[int, str, str]] = field(default_factory=list)
    unlisted: int = 0
    """Refused lines the server counted without listing them (beyond those it lists for a chunk)."""
    warnings: list[tuple[int, str]] = field(default_factory=list)

    @property
    def refused_count(self) -> int:
        """Every refused line, listed or not."""
        return len(self.refused) + self.unlisted


@dataclass(frozen=True)
class Row:
    """One data line of the file."""

    line: int
    vin: str
    name: str


DELIMITERS = ",;\t"
"""Spreadsheets write `,`, or `;` where the comma is the decimal mark, or tabs."""


class _Separated(csv.excel):
    """A spreadsheet's CSV (quotes doubled inside quoted fields) with the file's own separator."""


def _dialect(first_line: str) -> type[csv.Dialect]:
    """The file's dialect: the separator told by its header line (`vin,name`, `vin;name`), else `,`.

    Only the separator is taken from the sniffer: from one line it cannot tell how quotes are escaped.
    """
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return csv.excel
    return type("Sniffed", (_Separated,), {"delimiter": delimiter})


def _ignored(values: list[str]) -> str:
    """Every ignored value, quoted, so that an empty one or one with a comma reads unambiguously."""
    return ", ".join(repr(value) for value in values)


def read_rows(path: Path, warnings: list[tuple[int, str]]) -> Iterator[Row]:
    """Every data row; the header must start with `vin,name`; every ignored value is named, by line.

    The `csv` module reads the file: quoted fields (a name with a comma), a byte order mark, and a `;`
    or tab separator, told by the header line.
    """
    with path.open(newline="", encoding="utf-8-sig") as handle:
        dialect = _dialect(handle.readline())
        handle.seek(0)  # utf-8-sig drops a byte order mark again after the seek
        reader = csv.reader(handle, dialect)
        header = [cell.strip().lower() for cell in next(reader, [])]
        if header[:2] != ["vin", "name"]:
            shown = getattr(dialect, "delimiter", ",").join(header)
            raise ImportFailed(f"{path}: the header row must be `vin,name` (or `vin;name`), not {shown!r}")
        if len(header) > 2:
            warnings.append((reader.line_num, f"columns after vin,name are ignored: {_ignored(header[2:])}"))
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            extra = row[2:]
            if any(cell.strip() for cell in extra):
                # A stray comma inside an unquoted name shifts the columns: name what is left out.
                warnings.append(
                    (
                        reader.line_num,
                        f"{len(row)} columns, only vin and name are read; ignored: {_ignored(extra)} "
                        "(quote a name that holds the separator)",
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
        raise ImportFailed(f"the server answered {error.code}: {_problem(error.read())}") from error
    except urllib.error.URLError as error:
        raise ImportFailed(f"cannot reach {url}: {error.reason}") from error


def _problem(body: bytes) -> str:
    """A problem document (RFC 9457) in one line: its detail and code; any other body, shortened."""
    text = body.decode(errors="replace")
    try:
        problem = json.loads(text)
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        words = str(problem.get("detail") or problem.get("title") or "")
        code = problem.get("code")
        text = f"{words} ({code})" if code else words
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= 300 else one_line[:299] + "…"


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
            report.unlisted += answer.get("moreRefused", 0)
            for result in answer["results"]:
                if result["status"] == "refused":
                    refused = chunk[result["index"]]
                    report.refused.append(
                        (refused.line, refused.vin, f"{result['code']}: {result['detail']}")
                    )
            progress.advance(task, len(chunk))
    report.refused.sort()
    return report
