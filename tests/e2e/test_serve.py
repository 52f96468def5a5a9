"""`pairhub serve` as a real process: zero configuration, and the README's curl session as written."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

from tests.e2e.processes import PAIRHUB, ready_with_delivery, start_serve, stop

README = Path(__file__).resolve().parents[2] / "README.md"


def test_serve_without_configuration_starts_on_sqlite_and_is_ready(tmp_path: Path) -> None:
    process, base_url = start_serve(tmp_path)
    try:
        with urllib.request.urlopen(f"{base_url}/healthz") as response:
            health = json.load(response)
        ready = ready_with_delivery(base_url)
    finally:
        output = stop(process)

    assert health["status"] == "ok"
    checks = {"database": "ok", "databaseWrite": "ok", "migrations": "ok", "delivery": "ok"}
    assert ready == {"status": "ok", "checks": checks}, "no MQTT check without PAIRHUB_MQTT_URL"
    assert (tmp_path / "pairhub.db").exists(), "the default database is ./pairhub.db"
    assert "Admin token" in output, "a generated admin token is printed"


def _readme_block(marker: str) -> str:
    text = README.read_text()
    block = re.search(rf"<!-- {marker} -->\n```bash\n(.*?)```", text, re.DOTALL)
    assert block, f"README.md lost its {marker} block"
    return block.group(1)


def _readme_server() -> tuple[dict[str, str], int]:
    """The environment and port of the README's server command."""
    command = _readme_block("curl-server").replace("\\\n", " ")
    env = dict(re.findall(r"(PAIRHUB_\w+)=(\S+)", command))
    port = re.search(r"--port (\d+)", command)
    assert port, "the README's server names its port"
    return env, int(port.group(1))


def test_the_readme_server_stays_clear_of_make_run() -> None:
    env, port = _readme_server()
    makefile = (README.parent / "Makefile").read_text()
    assert "serve --demo --port $(PORT)" in makefile and "PORT ?= 8000" in makefile, "make run's port is 8000"
    assert port != 8000, "the README's server would collide with make run on port 8000"
    assert env.get("PAIRHUB_DATABASE_URL", "sqlite:///./pairhub.db") != "sqlite:///./pairhub.db"


def test_readme_curl_session_works_as_written(tmp_path: Path) -> None:
    env, _ = _readme_server()
    process, base_url = start_serve(tmp_path, env)
    try:
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", _readme_block("curl-session")],
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


def test_a_second_serve_on_a_taken_port_says_so_and_never_claims_to_listen(tmp_path: Path) -> None:
    first, base_url = start_serve(tmp_path)
    port = base_url.rsplit(":", 1)[1]
    try:
        second = subprocess.run(
            [PAIRHUB, "serve", "--port", port],
            cwd=tmp_path,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        output = stop(first)
    assert second.returncode == 2
    assert "cannot listen on 127.0.0.1:" + port in second.stderr
    assert "listening" not in second.stderr + second.stdout
    assert f"Database: {tmp_path / 'pairhub.db'}" in output
    assert f"Sign in at {base_url}/ui" in output


def test_admin_commands_never_create_a_database_by_accident(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    created = subprocess.run(
        [PAIRHUB, "admin", "create-organization", "Acme"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert created.returncode == 2
    assert f"No pairhub database at {tmp_path / 'pairhub.db'}" in created.stderr
    assert not (tmp_path / "pairhub.db").exists()

    subprocess.run([PAIRHUB, "db", "upgrade"], cwd=tmp_path, env=env, check=True, capture_output=True)
    refused = subprocess.run(
        [PAIRHUB, "admin", "create-key", "00000000-0000-0000-0000-000000000000"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "organization_not_found" in refused.stderr and "Traceback" not in refused.stderr
