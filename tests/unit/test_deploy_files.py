"""The systemd units under deploy/ pass `systemd-analyze verify`, run with this installation's pairhub,
and take each MQTT message in one process."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pairhub.bootstrap import Container
from pairhub.entrypoints import cli
from pairhub.entrypoints import worker as worker_module
from pairhub.entrypoints.worker import Loop

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
                # Each command parses the arguments the unit passes (--help stops it there).
                result = subprocess.run(
                    [*command, "--help"],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
                assert result.returncode == 0, (unit.name, line)


def _exec_start(name: str) -> list[str]:
    [line] = [
        line for line in (DEPLOY / "systemd" / name).read_text().splitlines() if line.startswith("ExecStart=")
    ]
    return line.split("=", 1)[1].split()


def test_the_shipped_layout_takes_each_mqtt_message_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every subscribing process receives every message: with serve and the workers all at partition
    # 1/1, each would apply it (and publish its refusal) once. Only serve subscribes.
    serve, worker = _exec_start("pairhub.service"), _exec_start("pairhub-worker@.service")
    assert serve[:2] == [INSTALLED, "serve"] and "--no-mqtt" not in serve
    assert worker == [INSTALLED, "worker", "--no-mqtt"]

    # And --no-mqtt keeps the worker off a configured broker: no subscriber among its loops.
    monkeypatch.setenv("PAIRHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'pairhub.db'}")
    monkeypatch.setenv("PAIRHUB_MQTT_URL", "mqtt://127.0.0.1:1")
    asked: list[bool] = []

    def loops(deliver: bool, mqtt_ingest: bool, role: str) -> list[Loop]:
        asked.append(mqtt_ingest)
        return []

    def run_once(container: Container, mqtt: bool = True) -> None:
        async def start_and_stop() -> None:
            stop = await worker_module.start_background(container, role="worker", mqtt=mqtt)
            await stop()

        asyncio.run(start_and_stop())

    monkeypatch.setattr(worker_module, "background_loops", loops)
    monkeypatch.setattr(worker_module, "run_forever", run_once)
    for arguments, subscribes in ((worker[1:], False), (["worker"], True)):
        result = CliRunner().invoke(cli.app, arguments)
        assert result.exit_code == 0, result.output
        assert asked.pop() is subscribes
