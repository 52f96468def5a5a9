"""The SDKs in clients/: each, installed as an integrator installs it, runs a flow against a live pairhub."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.processes import start_serve, stop

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
FLOWS = Path(__file__).parent / "sdk_flows"
ADMIN_TOKEN = "sdk-admin-token"
VIN = "1HGCM82633A004352"
NO_NODE = "node and npm are missing (.ci/run installs them): the TypeScript SDK is neither compared nor run"
HAS_NODE = shutil.which("node") is not None and shutil.which("npm") is not None


def _generator() -> ModuleType:
    """`clients/generate.py`, the script behind `make clients`, as a module."""
    spec = importlib.util.spec_from_file_location("clients_generate", CLIENTS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(*command: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def pairhub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live `pairhub serve` on SQLite; its base URL."""
    workdir = tmp_path_factory.mktemp("sdk-pairhub")
    process, base_url = start_serve(
        workdir,
        {"PAIRHUB_DATABASE_URL": f"sqlite:///{workdir / 'pairhub.db'}", "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN},
    )
    try:
        yield base_url
    finally:
        stop(process)


def test_the_committed_clients_are_what_make_clients_generates() -> None:
    # The same script as `make clients`, into a temporary directory, compared file by file.
    command = [sys.executable, str(CLIENTS / "generate.py"), "--check"]
    if not HAS_NODE:
        command.append("--skip-typescript")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    if not HAS_NODE:
        pytest.skip(NO_NODE)


def test_the_python_sdk_in_a_fresh_venv_pairs_reads_the_feed_meets_a_problem_and_retries_once(
    pairhub: str, tmp_path: Path
) -> None:
    # A copy, so that the build leaves nothing in the tree; installed as `pip install ./clients/python`.
    package = tmp_path / "pairhub-client"
    shutil.copytree(CLIENTS / "python", package, ignore=shutil.ignore_patterns("__pycache__", "build"))
    _run(sys.executable, "-m", "venv", tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package)

    seen = json.loads(_run(python, FLOWS / "python_flow.py", pairhub, ADMIN_TOKEN, cwd=tmp_path))

    assert seen["pairing"] == {"unitId": "tp:python1", "assetId": seen["assetId"]}
    assert seen["problem"] == {
        "status": 409,
        "type": "Problem",
        "code": "unit_already_paired",
        "assetId": seen["assetId"],
    }
    assert seen["feed"] == [
        {
            "type": "V2UnitPairedFeedItem",
            "eventType": "unit.paired",
            "eventDataType": "UnitPairedManualPairEventDataV2",
            "unitId": "tp:python1",
            "assetVIN": VIN,
        }
    ]
    # The same create twice under one `Idempotency-Key`: the first answer again, and one asset.
    assert seen["idempotent"] == {
        "statuses": [201, 201],
        "sameAnswer": True,
        "replayed": [None, "true"],
        "created": 1,
    }
    # The installed package, not the tree's, and nothing of pairhub beside it.
    where = _run(
        python,
        "-c",
        "import pairhub_client, importlib.util as u; print(pairhub_client.__file__, u.find_spec('pairhub'))",
        cwd=tmp_path,
    ).split()
    assert where[0].startswith(str(tmp_path / "venv")) and where[1] == "None"


def _tsconfig(types_root: Path) -> dict[str, Any]:
    """An application's tsconfig: strict ES modules for Node, resolving the package by its exports."""
    return {
        "compilerOptions": {
            "target": "ES2022",
            "lib": ["ES2022", "DOM"],
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "strict": True,
            "skipLibCheck": True,
            "outDir": "out",
            "typeRoots": [str(types_root)],
            "types": ["node"],
        },
        "files": ["flow.ts"],
    }


@pytest.mark.skipif(not HAS_NODE, reason=NO_NODE)
def test_the_typescript_sdk_packed_installed_compiled_and_run_pairs_reads_the_feed_and_meets_a_problem(
    pairhub: str, tmp_path: Path
) -> None:
    generator = _generator()
    generator.install_npm_tools()
    tools: Path = generator.NPM_DIR / "node_modules"
    env = {"PATH": f"{tools / '.bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}
    # As its README says: `npm pack` in the package (its `prepare` compiles it), then install the tarball.
    package = tmp_path / "pairhub-client"
    shutil.copytree(CLIENTS / "typescript", package, ignore=shutil.ignore_patterns("node_modules", "dist"))
    (package / "node_modules").symlink_to(tools)
    packed = json.loads(_run("npm", "pack", "--json", "--pack-destination", tmp_path, cwd=package, env=env))
    files = {entry["path"] for entry in packed[0]["files"]}
    assert {"dist/index.js", "dist/index.d.ts", "dist/client/index.js", "package.json"} <= files
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text(json.dumps({"name": "integrator", "private": True, "type": "module"}))
    tarball = tmp_path / packed[0]["filename"]
    _run("npm", "install", "--offline", "--no-audit", "--no-fund", tarball, cwd=app, env=env)
    (app / "tsconfig.json").write_text(json.dumps(_tsconfig(tools / "@types")))
    shutil.copyfile(FLOWS / "flow.ts", app / "flow.ts")
    _run(generator.TSC, "-p", app, cwd=app, env=env)

    seen = json.loads(_run("node", app / "out" / "flow.js", pairhub, ADMIN_TOKEN, cwd=app, env=env))

    assert seen["pairing"] == {"unitId": "tp:typescript1", "assetId": seen["assetId"]}
    assert seen["problem"] == {
        "status": 409,
        "contentType": "application/problem+json",
        "code": "unit_already_paired",
        "assetId": seen["assetId"],
    }
    assert seen["feed"] == [
        {
            "eventType": "unit.paired",
            "eventVersion": 2,
            "reason": "ManualPair",
            "unitId": "tp:typescript1",
            "assetVIN": VIN,
        }
    ]
