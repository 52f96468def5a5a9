"""Write `bench/results/latest.json` and `docs/performance.md` from the figures of a run."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.profile import Profile


@dataclass
class Figure:
    """One measured figure beside the limit (measured in the same run) it is compared with.

    `target_ratio` is the least `value / limit` that meets the target (throughputs);
    `target_max_ratio` the most (latencies); `target_value` an absolute bound where no limit fits.
    """

    id: str
    name: str
    value: float
    unit: str
    limit_id: str | None = None
    limit_value: float | None = None
    target_ratio: float | None = None
    target_max_ratio: float | None = None
    target_value: float | None = None
    note: str = ""
    correct: bool = True
    """False when the run's own check of the outcome failed (e.g. events missing): never meets."""
    profile: Profile | None = None
    """Where the serve process spent its time while this figure ran (py-spy), when sampled."""

    @property
    def is_limit(self) -> bool:
        """True for the limits themselves (L-…)."""
        return self.id.startswith("L-")

    @property
    def ratio(self) -> float | None:
        """value / limit, when a limit applies."""
        if not self.limit_value:
            return None
        return self.value / self.limit_value

    @property
    def meets(self) -> bool | None:
        """Whether the target is met (None: reported only)."""
        ratio = self.ratio
        if self.target_ratio is not None and ratio is not None:
            return self.correct and ratio >= self.target_ratio
        if self.target_max_ratio is not None and ratio is not None:
            return self.correct and ratio <= self.target_max_ratio
        if self.target_value is not None:
            # Absolute bounds are maxima (memory, lookup latency).
            return self.correct and self.value <= self.target_value
        return None

    @property
    def target(self) -> str:
        """The target in words."""
        if self.target_ratio is not None:
            return f"≥ {self.target_ratio:g} x {self.limit_id}"
        if self.target_max_ratio is not None:
            return f"≤ {self.target_max_ratio:g} x {self.limit_id}"
        if self.target_value is not None:
            return f"≤ {self.target_value:g} {self.unit}"
        return "limit" if self.is_limit else "reported"

    def as_json(self) -> dict[str, Any]:
        """The figure as `latest.json` holds it."""
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "value": round(self.value, 3),
            "unit": self.unit,
            "limit_id": self.limit_id,
            "limit_value": None if self.limit_value is None else round(self.limit_value, 3),
            "ratio": None if self.ratio is None else round(self.ratio, 6),
        }
        for key in ("target_ratio", "target_max_ratio", "target_value"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        data["meets"] = self.meets
        if self.note:
            data["note"] = self.note
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
        "- **L-post**: a bare aiohttp loop posting the same body size to the same receiver, as many requests"
        " in flight as pairhub's worker keeps by default (requests/s).",
        "- **L-post-batch**: the same loop posting the same 500-event body (requests/s; x 500 events).",
        "- **L-commit**: SQLite commits/s with pairhub's durability settings, one small row each.",
        "- **L-write**: units/s of a bare sqlite3 loop writing, in one transaction per 1,000 units, the",
        "  rows a pairing writes (the update that pairs an unpaired unit, history, event, diagnosis, audit",
        "  entry) on the migrated schema.",
        "- **L-http**: requests/s of pairhub's empty endpoint (`/healthz`) on the same ASGI stack.",
        "- **L-ingest**: a bare endpoint on the same server stack (uvicorn) that parses the same",
        "  1,000-message body with orjson and answers 202 (requests/s; x 1,000 messages).",
        "- **L-rtt**: p99 of the floor of the end-to-end path: a bare HTTP request that commits one row",
        "  with pairhub's durability settings, then a bare POST to the receiver (ms).",
        "- **L-mqtt**: a bare aiomqtt subscriber draining the same backlog of unit messages (messages/s).",
        "",
        "## Figures",
        "",
        "| id | figure | value | unit | limit | ratio | target | meets |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for f in figures:
        limit = f"{_cell(f.limit_value)} ({f.limit_id})" if f.limit_value is not None else "—"
        meets = {True: "yes", False: "**no**", None: "reported"}[f.meets]
        ratio = "—" if f.ratio is None else f"{f.ratio:.3f}"
        value = _cell(f.value, 2)
        cells = [f"`{f.id}`", f.name, value, f.unit, limit, ratio, f.target, meets]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f for f in figures if f.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{f.name}**: {f.note}" for f in notes]
    lines += ["", "## Chart", "", f"![Each figure against its limit]({markdown_path.stem}.svg)"]
    profiled = [f for f in figures if f.meets is False and f.profile is not None]
    if profiled:
        lines += [
            "",
            "## Profiles of the figures that miss",
            "",
            "Sampled from the serve process while the figure ran (`py-spy record --format raw`, 25 Hz):",
            "the functions where time was spent (innermost frame), and pairhub's frames on the stack.",
        ]
        for f in profiled:
            assert f.profile is not None
            lines += ["", f"**`{f.id}`** (ratio {f.ratio:.3f}, target {f.target})", "", *f.profile.markdown()]
    analysis = Path(__file__).with_name("analysis.md")
    if analysis.exists():
        # Hand-written: where the time goes for the figures that miss, from profiles of this code.
        lines += ["", analysis.read_text().strip()]
    markdown_path.parent.mkdir(parents=True, exist_ok=True)
    markdown_path.write_text("\n".join(lines) + "\n")
    from bench.chart import svg  # the chart draws Figures: imported late, it imports this module

    markdown_path.with_suffix(".svg").write_text(svg(figures))
