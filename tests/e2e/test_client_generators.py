"""Clients from four generators run pair → feed page → problem against a live pairhub; two linters pass
the document with no error and no warning.

The generators and linters are installed once into caches under `.venv` and reused: the npm packages
(pinned) into `.venv/npm-openapi`, openapi-generator's PyPI bundle (its jar runs on the machine's Java)
into `.venv/openapi-generator`. Each part skips with one reason when its tool cannot be had.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.processes import start_serve, stop

VENV = Path(sys.executable).parent.parent
FLOWS = Path(__file__).parent / "generator_flows"
ADMIN_TOKEN = "client-generators-admin-token"
VIN = "1HGCM82633A004352"

NPM_DIR = VENV / "npm-openapi"
NPM_PACKAGES = {
    "openapi-typescript": "7.13.0",
    "openapi-fetch": "0.17.0",
    "@hey-api/openapi-ts": "0.95.0",
    "typescript": "5.9.3",
    "@redocly/cli": "2.77.0",
    "@stoplight/spectral-cli": "6.16.3",
}
# @hey-api/openapi-ts 0.95 and @redocly/cli 2 ask for Node.js 20.19 or newer.
NODE_AT_LEAST = (20, 19)
OPENAPI_GENERATOR_VENV = VENV / "openapi-generator"
OPENAPI_GENERATOR_PACKAGES = [
    "openapi-generator-cli==7.26.0",
    # What the generated package imports.
    "pydantic>=2,<3",
    "python-dateutil>=2.8",
    "urllib3>=2,<3",
    "typing-extensions>=4.7",
]
# `make test` installs openapi-python-client into a venv of its own (it pins an older typer).
OPENAPI_PYTHON_CLIENT = VENV / "generator" / "bin" / "openapi-python-client"
TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "target": "es2022",
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "skipLibCheck": True,
        "outDir": "out",
    }
}


@dataclass(frozen=True)
class Server:
    """The live pairhub and its document on disk."""

    base_url: str
    document: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Serve pairhub on SQLite and save its OpenAPI document."""
    workdir = tmp_path_factory.mktemp("client-generators")
    process, base_url = start_serve(
        workdir,
        {"PAIRHUB_DATABASE_URL": f"sqlite:///{workdir / 'pairhub.db'}", "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN},
    )
    try:
        document = workdir / "openapi.json"
        with urllib.request.urlopen(f"{base_url}/openapi.json", timeout=10) as response:
            document.write_bytes(response.read())
        yield Server(base_url, document)
    finally:
        stop(process)


def _call(base_url: str, token: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    request = urllib.request.Request(
        base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _given(server: Server) -> dict[str, str]:
    """An organization of its own for one client: an asset with a VIN, another asset, a unit.

    The flow makes its own API key with the admin token, leaving the optional body out."""
    admin = ADMIN_TOKEN
    org = _call(server.base_url, admin, "POST", "/v1/organizations", {"name": f"Gen {uuid.uuid4()}"})["id"]
    key = _call(server.base_url, admin, "POST", f"/v1/organizations/{org}/api-keys", {"name": "gen"})["key"]
    asset = _call(server.base_url, key, "POST", f"/v1/organizations/{org}/assets", {"vin": VIN})["id"]
    other = _call(server.base_url, key, "POST", f"/v1/organizations/{org}/assets", {"name": "Other"})["id"]
    unit = _call(
        server.base_url, key, "POST", f"/v1/organizations/{org}/units", {"unitId": f"tp:{uuid.uuid4().hex}"}
    )
    return {
        "baseUrl": server.base_url,
        "adminToken": admin,
        "orgId": org,
        "unitId": unit["unitId"],
        "assetId": asset,
        "otherAssetId": other,
    }


def _check_summary(output: str, given: dict[str, str]) -> dict[str, Any]:
    """The flow's last line: one paired event read back typed, and the 409 as a typed problem."""
    summary: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    assert summary["keyScope"] == "full"
    assert summary["pairedUnit"] == given["unitId"]
    assert summary["feed"] == [
        {
            "eventType": "unit.paired",
            "eventVersion": 1,
            "reason": "ManualPair",
            "assetId": given["assetId"],
            "assetVIN": VIN,
        }
    ]
    assert summary["problem"]["status"] == 409
    assert summary["problem"]["code"] == "unit_already_paired"
    assert summary["problem"]["assetId"] == given["assetId"]
    return summary


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> str:
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), **(env or {})},
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)}\n{output}"
    return result.stdout


# ---------------------------------------------------------------------------------------------------
# Tool caches


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One installer at a time: test workers share the caches."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with (directory.parent / f".{directory.name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _node_tools() -> Path:
    """`node_modules/.bin` of the pinned npm packages, installed once; skips with the reason otherwise."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are not installed (`.ci/run` installs them on a fresh machine)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout
    found = tuple(int(part) for part in version.strip().lstrip("v").split(".")[:2])
    if found < NODE_AT_LEAST:
        pytest.skip(f"Node.js {version.strip()} is older than the pinned tools need (20.19)")
    wanted = json.dumps(NPM_PACKAGES, sort_keys=True)
    stamp = NPM_DIR / ".installed"
    with _locked(NPM_DIR):
        if not stamp.exists() or stamp.read_text() != wanted:
            _npm_install(npm, stamp, wanted)
    return NPM_DIR / "node_modules" / ".bin"


def _npm_install(npm: str, stamp: Path, wanted: str) -> None:
    """Install the pinned npm packages into the cache; skips with npm's reason when it cannot."""
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    (NPM_DIR / "package.json").write_text(json.dumps({"name": "pairhub-openapi-tools", "private": True}))
    specs = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
    result = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--save-exact", *specs],
        cwd=NPM_DIR,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"npm could not install {', '.join(specs)}: {result.stderr.strip()[-300:]}")
    stamp.write_text(wanted)


def _openapi_generator() -> Path:
    """The `openapi-generator-cli` of its own venv, installed once; skips with the reason otherwise."""
    if shutil.which("java") is None:
        pytest.skip(
            "no Java on PATH: openapi-generator's jar needs one (`.ci/run` installs default-jre-headless)"
        )
    python = OPENAPI_GENERATOR_VENV / "bin" / "python"
    stamp = OPENAPI_GENERATOR_VENV / ".installed"
    wanted = "\n".join(OPENAPI_GENERATOR_PACKAGES)
    with _locked(OPENAPI_GENERATOR_VENV):
        if not stamp.exists() or stamp.read_text() != wanted:
            _pip_install(python, stamp, wanted)
    return OPENAPI_GENERATOR_VENV / "bin" / "openapi-generator-cli"


def _pip_install(python: Path, stamp: Path, wanted: str) -> None:
    """Make the venv of openapi-generator; skips with pip's reason when it cannot."""
    subprocess.run([sys.executable, "-m", "venv", str(OPENAPI_GENERATOR_VENV)], check=True)
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", *OPENAPI_GENERATOR_PACKAGES],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"pip could not install openapi-generator-cli: {result.stderr.strip()[-300:]}")
    stamp.write_text(wanted)


def _typescript_project(workdir: Path, flow: str) -> Path:
    """A project that compiles `flow` against the cached npm packages."""
    workdir.mkdir()
    (workdir / "node_modules").symlink_to(NPM_DIR / "node_modules")
    (workdir / "package.json").write_text(json.dumps({"type": "module", "private": True}))
    (workdir / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "files": ["flow.ts"]}))
    shutil.copy(FLOWS / flow, workdir / "flow.ts")
    return workdir


# ---------------------------------------------------------------------------------------------------
# The four generators


def test_openapi_generator_python(server: Server, tmp_path: Path) -> None:
    generator = _openapi_generator()
    output = tmp_path / "og"
    printed = _run(
        [
            str(generator),
            "generate",
            "-g",
            "python",
            "-i",
            str(server.document),
            "-o",
            str(output),
            "--package-name",
            "pairhub_og",
            "--global-property",
            "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
        ],
        tmp_path,
    )
    assert "[error]" not in printed.lower(), printed
    python = str(OPENAPI_GENERATOR_VENV / "bin" / "python")
    _run([python, "-m", "compileall", "-q", str(output / "pairhub_og")], tmp_path)
    given = _given(server)
    flow = str(FLOWS / "openapi_generator_flow.py")
    summary = _check_summary(
        _run([python, flow, json.dumps(given)], tmp_path, {"PYTHONPATH": str(output)}), given
    )
    assert summary["types"] == [["V1UnitPairedFeedItem", "V1UnitPairedManualPair"]]
    assert summary["problem"]["type"] == "Problem"


def test_openapi_python_client(server: Server, tmp_path: Path) -> None:
    if not OPENAPI_PYTHON_CLIENT.exists():
        pytest.skip(f"{OPENAPI_PYTHON_CLIENT} is missing: `make .venv/generator/.installed` installs it")
    config = tmp_path / "generator.yml"
    config.write_text("content_type_overrides:\n  application/x-ndjson: application/octet-stream\n")
    command = [
        str(OPENAPI_PYTHON_CLIENT),
        "generate",
        "--path",
        str(server.document),
        "--config",
        str(config),
    ]
    # The generator formats its output with the ruff of its own venv.
    printed = _run(
        [*command, "--output-path", str(tmp_path / "client")],
        tmp_path,
        {"PATH": str(OPENAPI_PYTHON_CLIENT.parent)},
    )
    assert "Warning" not in printed, printed
    _run([sys.executable, "-m", "compileall", "-q", str(tmp_path / "client" / "pairhub_client")], tmp_path)
    given = _given(server)
    flow = str(FLOWS / "openapi_python_client_flow.py")
    env = {"PYTHONPATH": str(tmp_path / "client")}
    summary = _check_summary(_run([sys.executable, flow, json.dumps(given)], tmp_path, env), given)
    assert summary["types"] == [["V1UnitPairedFeedItem", "UnitPairedManualPairEventDataV1"]]
    assert summary["problem"]["type"] == "Problem"
    # A Datahub Feed API page, read typed: the feed made through the client, its one pairing by kind.
    assert summary["feedApi"] == {
        "created": ["FeedOut", "active", ["unit.paired"]],
        "page": "FeedPollOut",
        "hasNext": False,
        "items": [
            [
                "V1UnitPairedEvent",
                "UnitPairedManualPairEventDataV1",
                "unit.paired",
                1,
                "ManualPair",
                given["unitId"],
                given["assetId"],
            ]
        ],
    }


def test_openapi_typescript_with_default_flags_and_openapi_fetch(server: Server, tmp_path: Path) -> None:
    tools = _node_tools()
    project = _typescript_project(tmp_path / "fetch", "openapi_fetch_flow.ts")
    _run([str(tools / "openapi-typescript"), str(server.document), "-o", "schema.d.ts"], project)
    _run([str(tools / "tsc"), "-p", "."], project)
    given = _given(server)
    _check_summary(_run(["node", "out/flow.js", json.dumps(given)], project), given)


def test_hey_api_openapi_ts(server: Server, tmp_path: Path) -> None:
    tools = _node_tools()
    project = _typescript_project(tmp_path / "hey-api", "hey_api_flow.ts")
    # Node's ES modules want file extensions in relative imports: the generator writes them when asked.
    config = {"input": str(server.document), "output": {"path": "client", "importFileExtension": ".js"}}
    (project / "openapi-ts.config.mjs").write_text(f"export default {json.dumps(config)};\n")
    _run([str(tools / "openapi-ts"), "-f", "openapi-ts.config.mjs", "--no-log-file"], project)
    (project / "tsconfig.json").write_text(json.dumps({**TSCONFIG, "include": ["flow.ts", "client"]}))
    _run([str(tools / "tsc"), "-p", "."], project)
    given = _given(server)
    _check_summary(_run(["node", "out/flow.js", json.dumps(given)], project), given)


# ---------------------------------------------------------------------------------------------------
# Linters


def test_redocly_lint_finds_no_error_and_no_warning(server: Server, tmp_path: Path) -> None:
    tools = _node_tools()
    result = subprocess.run(
        # No configuration: Redocly's built-in `recommended` rules.
        [str(tools / "redocly"), "lint", str(server.document), "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "REDOCLY_TELEMETRY": "off"},
        check=False,
    )
    report = json.loads(result.stdout)
    problems = [f"{p['ruleId']} {p['severity']}: {p['message']}" for p in report["problems"]]
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, "\n".join(problems)
    assert result.returncode == 0, result.stderr


def test_spectral_oas_finds_no_error_and_no_warning(server: Server, tmp_path: Path) -> None:
    tools = _node_tools()
    ruleset = tmp_path / ".spectral.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n')
    report = tmp_path / "spectral.json"
    result = subprocess.run(
        [
            str(tools / "spectral"),
            "lint",
            str(server.document),
            "--ruleset",
            str(ruleset),
            "--format",
            "json",
            "--output",
            str(report),
            "--fail-severity",
            "warn",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
        check=False,
    )
    findings = json.loads(report.read_text() or "[]") if report.exists() else None
    assert findings is not None, result.stdout + result.stderr
    # Severity 0 is an error, 1 a warning (2 and 3: information and hints).
    counted = [
        f"{f['code']} {'.'.join(map(str, f['path']))}: {f['message']}" for f in findings if f["severity"] <= 1
    ]
    assert counted == [], "\n".join(counted)
    assert result.returncode == 0, result.stdout + result.stderr
