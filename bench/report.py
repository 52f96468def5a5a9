"""Write `bench/results/latest.json` and `docs/performance.md` from the figures of a run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure beside the limit it is compared with."""

    name: str
    value: float
    unit: str
    limit: float | None
    limit_name: str | None
    target: str
    meets: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """value / limit, when a limit applies."""
        if not self.limit:
            return None
        return self.value / self.limit

    def as_json(self) -> dict[str, Any]:
        """The figure as `latest.json` holds it."""
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 4)
        data["value"] = round(self.value, 3)
        if self.limit is not None:
            data["limit"] = round(self.limit, 3)
        return data


def _cell(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def write(
    figures: list[Figure], machine: dict[str, Any], command: str, json_path: Path, markdown_path: Path
) -> None:
    """Write both report files."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps(
            {"machine": machine, "command": command, "figures": [f.as_json() for f in figures]}, indent=2
        )
        + "\n"
    )
    lines = [
        "# Performance",
        "",
        "Every figure is measured beside a limit of the same machine in the same run, because shared",
        "machines are noisy: the ratio is what carries from one run to the next.",
        "",
        f"Reproduce with `{command}`.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
        "",
        "## Limits",
        "",
        "- **L-post**: a bare aiohttp loop posting the same body size to the same receiver (requests/s).",
        "- **L-commit**: SQLite commits/s with pairhub's durability settings, one small row each.",
        "- **L-http**: requests/s of pairhub's empty endpoint (`/healthz`) on the same ASGI stack.",
        "",
        "## Figures",
        "",
        "| figure | value | unit | limit | ratio | target | meets |",
        "|---|---:|---|---:|---:|---|---|",
    ]
    for f in figures:
        limit = f"{_cell(f.limit)} ({f.limit_name})" if f.limit is not None else "—"
        meets = {True: "yes", False: "**no**", None: "reported"}[f.meets]
        ratio = "—" if f.ratio is None else f"{f.ratio:.3f}"
        lines.append(
            f"| {f.name} | {_cell(f.value, 2)} | {f.unit} | {limit} | {ratio} | {f.target} | {meets} |"
        )
    notes = [f for f in figures if f.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{f.name}**: {f.note}" for f in notes]
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        # Hand-written: where the time goes for the figures that miss, from profiles of this code.
        lines += ["", analysis.read_text().strip()]
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text("\n".join(lines) + "\n")
