"""A tiny run of the benchmark suite, so that `make bench` cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_smoke_run_writes_both_reports(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((tmp_path / "bench" / "results" / "latest.json").read_text())
    assert set(report["machine"]) >= {"cores", "cpu", "python", "sqlite"}
    names = [figure["name"] for figure in report["figures"]]
    for expected in (
        "L-commit",
        "L-http",
        "delivery requests/s",
        "delivery events/s",
        "auto pairings/s",
        "ingest messages/s",
        "end-to-end latency",
        "match latency",
        "peak memory",
    ):
        assert any(name.startswith(expected) for name in names), expected
    for figure in report["figures"]:
        assert set(figure) >= {"name", "value", "unit", "limit", "ratio", "target", "meets"}
        assert figure["value"] > 0
    markdown = (tmp_path / "docs" / "performance.md").read_text()
    assert "| figure | value | unit | limit | ratio | target | meets |" in markdown
