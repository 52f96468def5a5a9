"""`pairhub db backup` copies a live SQLite database; the copy restores into a working pairhub."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import SECRET_KEY
from tests.e2e.processes import PAIRHUB, start_serve, stop
from tests.e2e.test_serve_workers import ADMIN, call


def test_a_backup_taken_while_serving_restores(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    env = {"PAIRHUB_DATABASE_URL": f"sqlite:///{live / 'pairhub.db'}", "PAIRHUB_SECRET_KEY": SECRET_KEY}
    env["PAIRHUB_ADMIN_TOKEN"] = ADMIN
    process, base_url = start_serve(live, env, None, within_s=120)
    try:
        org = call(base_url, "POST", "/v1/organizations", {"name": "Backed up"})
        call(base_url, "POST", f"/v1/organizations/{org['id']}/units", {"unitId": "tp:1"})
        backup = tmp_path / "backup.db"
        taken = subprocess.run(
            [PAIRHUB, "db", "backup", str(backup)],
            cwd=live,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        again = subprocess.run(
            [PAIRHUB, "db", "backup", str(backup)],
            cwd=live,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        stop(process)
    assert taken.returncode == 0, taken.stderr
    assert again.returncode == 2 and "exists" in again.stderr

    restored = tmp_path / "restored"
    restored.mkdir()
    (restored / "pairhub.db").write_bytes(backup.read_bytes())
    env["PAIRHUB_DATABASE_URL"] = f"sqlite:///{restored / 'pairhub.db'}"
    process, base_url = start_serve(restored, env, None, within_s=120)
    try:
        units = call(base_url, "GET", f"/v1/organizations/{org['id']}/units")
    finally:
        stop(process)
    assert [unit["unitId"] for unit in units["data"]] == ["tp:1"]
