"""The systemd units under deploy/ pass `systemd-analyze verify`, run with this installation's pairhub."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
INSTALLED = "/opt/pairhub/.venv/bin/pairhub"


@pytest.fixture
def units(tmp_path: Path) -> list[Path]:
    """The unit files, with the documented install path replaced by this one (verify checks the binary)."""
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze not found: the unit files are not verified on this machine")
    pairhub = str(Path(sys.executable).with_name("pairhub"))
    written = []
    for source, name in (
        ("pairhub.service", "pairhub.service"),
        ("pairhub-worker@.service", "pairhub-worker@1.service"),
    ):
        target = tmp_path / name
        target.write_text((DEPLOY / "systemd" / source).read_text().replace(INSTALLED, pairhub))
        written.append(target)
    return written


def test_the_units_verify_cleanly(units: list[Path]) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(unit) for unit in units)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_units_run_commands_that_exist() -> None:
    pairhub = str(Path(sys.executable).with_name("pairhub"))
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                command = line.split("=", 1)[1].replace(INSTALLED, pairhub).split()
                # Each command's --help parses the same arguments the unit passes.
                result = subprocess.run(
                    [*command[:3], "--help"] if command[1] == "db" else [command[0], command[1], "--help"],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                assert result.returncode == 0, (unit.name, line)
