"""`pairhub serve --demo` as a real process, and what its built-in receiver has got so far."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.e2e.processes import PAIRHUB, free_port, wait_until_healthy

ADMIN_TOKEN = "demo-admin-token"
# Twenty times faster: the scripted outcomes take about 6.5 s and NotFound reminders come every second.
SPEED = "20"
SIGN_IN = re.compile(r"sign in as (?P<email>\S+) with the password (?P<password>\S+)\)")


class DemoServer:
    """A `pairhub serve --demo` process whose output goes to a file (a full pipe would block it)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"serve-{self.port}.log"
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(workdir),
            "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN,
            "PAIRHUB_DEMO_SPEED": SPEED,
        }
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [PAIRHUB, "serve", "--demo", "--port", str(self.port)],
                cwd=workdir,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(self.base_url, self.process)
        except AssertionError as error:
            self.stop()
            raise AssertionError(f"{error}\n{self.output()}") from error

    def output(self) -> str:
        """What the process printed so far."""
        return self.log.read_text(errors="replace")

    def demo_person(self) -> tuple[str, str]:
        """The email and password of the demo person, as the server printed them."""
        printed = SIGN_IN.search(self.output())
        assert printed, self.output()
        return printed["email"], printed["password"]

    def get(self, path: str, token: str | None = None) -> Any:
        """GET a JSON document."""
        request = urllib.request.Request(self.base_url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def text(self, path: str) -> str:
        """GET a page."""
        with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
            body: bytes = response.read()
            return body.decode()

    def stop(self) -> None:
        """Terminate and wait."""
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def received_events(server: DemoServer) -> list[dict[str, Any]]:
    """Every event the built-in receiver accepted, oldest first."""
    received = server.get("/demo/receiver")
    return [item for batch in reversed(received["batches"]) for item in batch["eventsData"]]


def paired(events: list[dict[str, Any]], reason: str) -> list[dict[str, Any]]:
    """The data of the `unit.paired` events with this reason."""
    return [
        item["eventData"]
        for item in events
        if item["eventType"] == "unit.paired" and item["eventData"]["reason"] == reason
    ]


def everything_arrived(events: list[dict[str, Any]]) -> bool:
    """Every scripted outcome has reached the receiver (a NotFound unit also paired later)."""
    not_found_units = {data["unitId"] for data in paired(events, "NotFound")}
    auto_paired_units = {data["unitId"] for data in paired(events, "AutoPair")}
    return (
        len(paired(events, "NotFound")) >= 2
        and bool(not_found_units & auto_paired_units)
        and all(paired(events, reason) for reason in ("ManualPair", "InvalidData", "MultipleMatchFound"))
        and any(item["eventType"] == "unit.unpaired" for item in events)
    )


def wait_for_every_outcome(server: DemoServer, within_s: float = 45) -> list[dict[str, Any]]:
    """The received events once every scripted outcome has arrived, or as they are at the deadline."""
    # Polling with a deadline: the loop ends as soon as the last scripted outcome has arrived.
    deadline = time.monotonic() + within_s
    events = received_events(server)
    while not everything_arrived(events) and time.monotonic() < deadline:
        assert server.process.poll() is None, server.output()
        time.sleep(0.2)
        events = received_events(server)
    return events
