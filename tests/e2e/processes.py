"""Start real `pairhub` processes for end-to-end tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PAIRHUB = str(Path(sys.executable).with_name("pairhub"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], within_s: float = 90) -> None:
    """Poll /healthz until it answers; fail with the process output if it dies or never answers."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"pairhub exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"pairhub did not answer {base_url}/healthz")


def ready_with_delivery(base_url: str, within_s: float = 30) -> dict[str, object]:
    """Poll /readyz until the delivering process has written its first heartbeat; return that body.

    `serve` answers before its background loops have started, so an early /readyz has no `delivery` check yet.
    """
    deadline = time.monotonic() + within_s
    body: dict[str, object] = {}
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/readyz", timeout=5) as response:
                body = json.load(response)
        except urllib.error.HTTPError as refusal:
            body = json.load(refusal)
        checks = body.get("checks")
        if isinstance(checks, dict) and "delivery" in checks:
            return body
        time.sleep(0.05)
    raise AssertionError(f"/readyz never reported a delivering process: {body}")


def start_serve(
    workdir: Path,
    env: dict[str, str] | None = None,
    port: int | None = None,
    *args: str,
    log: Path | None = None,
    within_s: float = 30,
) -> tuple[subprocess.Popen[bytes], str]:
    """Run `pairhub serve` in `workdir` with only `env` (plus PATH/HOME) and wait until it is up.

    Output goes to a pipe (read by `stop`), or appended to `log` for long runs that would fill a pipe.
    """
    port = port or free_port()
    clean_env = {"PATH": os.environ.get("PATH", ""), "HOME": str(workdir), **(env or {})}
    with log.open("ab") if log else open(os.devnull, "wb") as sink:
        process = subprocess.Popen(
            [PAIRHUB, "serve", "--port", str(port), *args],
            cwd=workdir,
            env=clean_env,
            stdout=sink if log else subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process, within_s)
    except AssertionError:
        # A server that never answered must not outlive the test (and load the machine for the next).
        process.kill()
        process.wait()
        raise
    return process, base_url


def stop(process: subprocess.Popen[bytes]) -> str:
    """Terminate the process and return what it printed."""
    process.terminate()
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output.decode() if output else ""
