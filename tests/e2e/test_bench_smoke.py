"""A tiny run of the benchmark suite, so that `make bench` cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
import shutil
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
    ids = {figure["id"] for figure in report["figures"]}
    expected = {
        "L-commit",
        "L-write",
        "L-http",
        "L-post",
        "L-post-batch",
        "L-ingest",
        "L-rtt",
        "delivery_unbatched",
        "delivery_batched",
        "ingest_http",
        "autopair_exact",
        "autopair_partial",
        "e2e_latency_p99",
        "serve_rss",
        "match_p99_exact",
        "match_p99_p1",
        "match_p99_p2",
        "search_p99",
        "history_growth_delivery",
        "history_growth_latency",
        "history_bytes_per_event",
        "history_bytes_per_attempt",
    }
    assert expected <= ids, expected - ids
    if shutil.which("mosquitto") or Path("/usr/sbin/mosquitto").exists():
        assert {"L-mqtt", "ingest_mqtt"} <= ids
    if shutil.which("redis-server"):
        assert {"peer_celery_delivery", "delivery_vs_celery"} <= ids
    for figure in report["figures"]:
        assert set(figure) >= {"id", "name", "value", "unit", "limit_id", "limit_value", "ratio", "meets"}
        assert figure["value"] > 0
        if figure["limit_id"] is not None:
            exact = figure["value"] / figure["limit_value"]
            assert abs(figure["ratio"] - exact) <= 1e-3 * exact + 1e-5
    markdown = (tmp_path / "docs" / "performance.md").read_text()
    assert "| id | figure | value | unit | limit | ratio | target | meets |" in markdown
    chart = (tmp_path / "docs" / "performance.svg").read_text()
    assert chart.startswith("<svg") and "performance.svg" in markdown
    charted = [f["id"] for f in report["figures"] if f.get("target_ratio") or f.get("target_value")]
    assert all(f">{figure_id}</text>" in chart for figure_id in charted)


def test_a_py_spy_profile_is_summarized_by_where_time_went(tmp_path: Path) -> None:
    from bench.profile import summarize

    raw = tmp_path / "profile.txt"
    raw.write_text(
        "MainThread (0x1);run (asyncio/runners.py:118);accept (/repo/src/pairhub/services/ingest.py:130) 3\n"
        "MainThread (0x1);run (asyncio/runners.py:118);loads (json/__init__.py:346) 1\n"
    )

    profile = summarize(raw)

    assert profile is not None and profile.samples == 4
    assert profile.own[0] == ("accept (pairhub.services.ingest)", 0.75)
    assert profile.within == [("accept (pairhub.services.ingest)", 0.75)]
    assert "accept (pairhub.services.ingest) 75%" in "\n".join(profile.markdown())
