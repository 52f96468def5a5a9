"""`pairhub serve` as a real process: zero configuration, and the README's curl session as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

from tests.e2e.processes import start_serve, stop

README = Path(__file__).resolve().parents[2] / "README.md"


def test_serve_without_configuration_starts_on_sqlite_and_is_ready(tmp_path: Path) -> None:
    process, base_url = start_serve(tmp_path)
    try:
        with urllib.request.urlopen(f"{base_url}/healthz") as response:
            health = json.load(response)
        with urllib.request.urlopen(f"{base_url}/readyz") as response:
            ready = json.load(response)
    finally:
        output = stop(process)

    assert health["status"] == "ok"
    assert ready == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}
    assert (tmp_path / "pairhub.db").exists(), "the default database is ./pairhub.db"
    assert "Admin token" in output, "a generated admin token is printed"


def _readme_session() -> str:
    text = README.read_text()
    block = re.search(r"<!-- curl-session -->\n```bash\n(.*?)```", text, re.DOTALL)
    assert block, "README.md lost its curl session"
    return block.group(1)


def test_readme_curl_session_works_as_written(tmp_path: Path) -> None:
    process, base_url = start_serve(tmp_path, {"PAIRHUB_ADMIN_TOKEN": "change-me-admin-token"})
    try:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _readme_session()],
            env={**os.environ, "BASE": base_url},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        stop(process)

    assert result.returncode == 0, result.stderr
    feed = json.loads(result.stdout.strip().splitlines()[-1])
    assert [item["eventType"] for item in feed["data"]] == ["unit.paired", "unit.unpaired"]
    assert feed["data"][0]["eventData"]["reason"] == "ManualPair"
    assert feed["data"][0]["eventData"]["assetVIN"] == "1HGCM82633A000001"
