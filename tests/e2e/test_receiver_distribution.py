"""`pairhub-receiver`, built as its own distribution and installed alone, takes real pairhub deliveries."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pairhub.bootstrap import Container
from tests.delivery_support import Receiver, drain, pair_units, subscribe
from tests.support import Api

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "src" / "pairhub" / "receiver"
CHECK = Path(__file__).parent / "sdk_flows" / "receiver_check.py"


def _run(*command: str | Path) -> str:
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel ./receiver` builds (its build backend comes from PyPI)."""
    wheels = tmp_path_factory.mktemp("receiver-wheel")
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, ROOT / "receiver"
    )
    [built] = wheels.glob("pairhub_receiver-*.whl")
    return built


@pytest.fixture(scope="module")
def python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Python of a fresh venv with the wheel and its `ed25519` extra installed, and nothing of pairhub."""
    venv = tmp_path_factory.mktemp("receiver-venv") / "venv"
    _run(sys.executable, "-m", "venv", venv)
    interpreter = venv / "bin" / "python"
    _run(interpreter, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"{wheel}[ed25519]")
    return interpreter


def test_the_wheel_ships_the_one_implementation_under_its_own_name(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix("pairhub_receiver/"): archive.read(name)
            for name in archive.namelist()
            if name.startswith("pairhub_receiver/")
        }
        metadata = next(name for name in archive.namelist() if name.endswith(".dist-info/METADATA"))
        headers = archive.read(metadata).decode()
    # Byte for byte the files pairhub imports as `pairhub.receiver`: one implementation, two names.
    assert shipped == {path.name: path.read_bytes() for path in SOURCES.iterdir() if path.is_file()}
    assert {"__init__.py", "events.py", "signing.py", "state.py", "py.typed"} <= set(shipped)
    assert "Name: pairhub-receiver" in headers
    assert "Provides-Extra: ed25519" in headers
    assert "Requires-Dist: cryptography>=42; extra == 'ed25519'" in headers.replace('"', "'")


async def test_the_installed_distribution_verifies_dedupes_and_parses_real_deliveries(
    api: Api, container: Container, receiver: Receiver, python: Path, tmp_path: Path
) -> None:
    org = api.new_org()
    hmac = subscribe(api, org, receiver.url("/hmac"))
    signed = subscribe(
        api,
        org,
        receiver.url("/ed25519"),
        signatureAlgorithm="ed25519",
        eventVersion=2,
        eventNames=["unit.paired"],
    )
    stranger = subscribe(api, org, receiver.url("/stranger"), signatureAlgorithm="ed25519")
    units = pair_units(container, org.id, 2, prefix="rx")
    container.pairing.unpair(org.id, units[0])
    await drain(container.delivery_worker)

    keys = {
        "/hmac": (hmac["secret"], stranger["publicKey"]),
        "/ed25519": (signed["publicKey"], hmac["secret"]),
    }
    requests = [request for path in keys for request in receiver.requests(path)]
    deliveries = [
        {
            "key": keys[request.path][0],
            "otherKey": keys[request.path][1],
            "headers": request.headers,
            "body": base64.b64encode(request.body).decode(),
        }
        for request in requests
    ]
    recorded = tmp_path / "deliveries.json"
    recorded.write_text(json.dumps({"deliveries": deliveries}))

    seen = json.loads(_run(python, CHECK, recorded))

    assert seen["module"] == "pairhub_receiver" and seen["pairhubInstalled"] is False
    results = seen["results"]
    assert [result["batchId"] for result in results] == [request.batch_id for request in requests]
    assert {result["subscriptionId"] for result in results} == {hmac["id"], signed["id"]}
    assert all(result["repeat"] == "deduplicated" for result in results)
    assert all(result["tamperedRefused"] and result["otherKeyRefused"] for result in results)
    by_subscription: dict[str, list[tuple[str, int, str, str | None]]] = {hmac["id"]: [], signed["id"]: []}
    for result in results:
        by_subscription[result["subscriptionId"]] += [
            (event["type"], event["version"], event["unitId"], event["reason"]) for event in result["events"]
        ]
    assert by_subscription[hmac["id"]] == [
        ("PairedEvent", 1, units[0], "ManualPair"),
        ("PairedEvent", 1, units[1], "ManualPair"),
        ("UnpairedEvent", 1, units[0], None),
    ]
    # Version 2 offers `unit.paired` only.
    assert by_subscription[signed["id"]] == [
        ("PairedEvent", 2, units[0], "ManualPair"),
        ("PairedEvent", 2, units[1], "ManualPair"),
    ]
    hmac_results = [result for result in results if result["subscriptionId"] == hmac["id"]]
    signed_results = [result for result in results if result["subscriptionId"] == signed["id"]]
    # HMAC requests carry the body hash too, and it checks out; ed25519 requests send none.
    assert all(result["bodySignature"] is True for result in hmac_results)
    assert all(result["bodySignature"] is None for result in signed_results)
    # A pairings view per subscription, fed its batches: the v1 one saw the unpairing, v2 does not carry it.
    [asset_id] = {event["assetId"] for result in results for event in result["events"]}
    assert seen["assetOf"] == {
        hmac["id"]: {units[1]: asset_id},
        signed["id"]: {units[0]: asset_id, units[1]: asset_id},
    }
