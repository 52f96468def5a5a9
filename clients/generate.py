"""Generate the SDKs in clients/ from the app's `/openapi.json` (`make clients`); `--check` only compares.

Run with the project's venv (`.venv/bin/python clients/generate.py`). Everything is generated into a
temporary directory first, with pinned generators and no configuration read from the tree, so the output
depends on the document alone: the staleness test regenerates the same way and compares.
"""

from __future__ import annotations

import argparse
import difflib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CLIENTS = Path(__file__).resolve().parent
ROOT = CLIENTS.parent
VENV = ROOT / ".venv"
PYTHON_GENERATOR = VENV / "generator" / "bin" / "openapi-python-client"
# What the Makefile installs there; another version would write other code.
PYTHON_GENERATOR_VERSIONS = {"openapi-python-client": "0.29.1", "ruff": "0.17.6"}
# Its own npm directory (the OpenAPI test keeps another); the versions are pinned here, exactly.
NPM_DIR = VENV / "npm-clients"
NPM_PACKAGES = ("@hey-api/openapi-ts@0.95.0", "typescript@5.9.3", "@types/node@20.19.43")
OPENAPI_TS = NPM_DIR / "node_modules" / ".bin" / "openapi-ts"
TSC = NPM_DIR / "node_modules" / ".bin" / "tsc"

DOCUMENT = Path("openapi.json")
PYTHON_PACKAGE = Path("python/pairhub_client")
TYPESCRIPT_SOURCES = Path("typescript/src")
GENERATED = (DOCUMENT, PYTHON_PACKAGE, TYPESCRIPT_SOURCES)
"""What this script owns under clients/; package metadata and READMEs beside them are written by hand."""

PYTHON_CONFIG = """\
project_name_override: pairhub-client
package_name_override: pairhub_client
# The export answers JSON Lines, a media type the generator does not know: it reads it as bytes.
content_type_overrides:
  application/x-ndjson: application/octet-stream
# --isolated: the output must not depend on a ruff configuration found above the output directory.
post_hooks:
  - ruff check --isolated --fix-only --extend-select I .
  - ruff format --isolated .
"""

# `.js` in relative imports: the package is ES modules for Node (tsconfig `NodeNext`); no tsconfig is
# looked up, so the output does not depend on one found around the output directory.
TYPESCRIPT_CONFIG = """\
export default {{
  input: {document},
  output: {{ path: {output}, importFileExtension: ".js", tsConfigPath: null }},
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
}};
"""


def served_document() -> dict[str, Any]:
    """`GET /openapi.json` of an app built in this process with default settings (no public URL)."""
    # The document depends on settings (`servers` on PAIRHUB_PUBLIC_URL): read none from the environment.
    for name in [name for name in os.environ if name.startswith("PAIRHUB_")]:
        del os.environ[name]
    from fastapi.testclient import TestClient

    from pairhub import bootstrap
    from pairhub.config import Settings
    from pairhub.entrypoints.api.app import create_app

    with tempfile.TemporaryDirectory(prefix="pairhub-openapi-") as workdir:
        settings = Settings(
            database_url=f"sqlite:///{workdir}/pairhub.db",
            secret_key="Y2xpZW50cy1nZW5lcmF0b3Itc2VjcmV0LWtleS0zMmI=",
            public_url=None,
        )
        container = bootstrap.build(settings)
        try:
            response = TestClient(create_app(container)).get("/openapi.json")
        finally:
            container.close()
    response.raise_for_status()
    document: dict[str, Any] = response.json()
    return document


def check_python_generator() -> None:
    """Exit with advice unless the generator venv holds the pinned versions."""
    if not PYTHON_GENERATOR.exists():
        raise SystemExit(f"{PYTHON_GENERATOR} is missing: `make .venv/generator/.installed` installs it")
    for name, version in PYTHON_GENERATOR_VERSIONS.items():
        shown = subprocess.run(
            [str(PYTHON_GENERATOR.parent / "python"), "-m", "pip", "show", name],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        if f"Version: {version}\n" not in shown:
            raise SystemExit(
                f"{name} {version} is not what .venv/generator holds: `rm -r .venv/generator && make clients`"
            )


def install_npm_tools() -> None:
    """Install the pinned TypeScript generator and compiler into `.venv/npm-clients` unless present."""
    stamp = NPM_DIR / ".installed"
    if stamp.exists() and stamp.read_text() == " ".join(NPM_PACKAGES):
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is missing: install nodejs and npm (`apt-get install nodejs npm`)")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    # Test processes run side by side: one installs, the others wait for it and find the stamp.
    with (NPM_DIR / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == " ".join(NPM_PACKAGES):
            return
        command = ["npm", "install", "--prefix", str(NPM_DIR), "--no-save", "--no-audit", "--no-fund"]
        subprocess.run([*command, *NPM_PACKAGES], check=True, stdout=subprocess.DEVNULL)
        stamp.write_text(" ".join(NPM_PACKAGES))


def _run(command: list[str], cwd: Path, path: Path) -> None:
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        # No ruff cache: it would land in the generated package.
        env={
            "PATH": f"{path}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(cwd),
            "RUFF_NO_CACHE": "true",
        },
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def generate(out: Path, typescript: bool = True) -> None:
    """Write the document and the generated sources under `out`, laid out as in clients/."""
    document = out / DOCUMENT
    document.write_text(json.dumps(served_document(), indent=2, ensure_ascii=False) + "\n")
    work = out / "work"
    work.mkdir()
    config = work / "generator.yml"
    config.write_text(PYTHON_CONFIG)
    check_python_generator()
    _run(
        [
            *(str(PYTHON_GENERATOR), "generate", "--path", str(document), "--config", str(config)),
            *("--meta", "none", "--output-path", str(work / "python")),
        ],
        work,
        PYTHON_GENERATOR.parent,
    )
    (out / PYTHON_PACKAGE).parent.mkdir(parents=True)
    shutil.move(work / "python", out / PYTHON_PACKAGE)
    if not typescript:
        shutil.rmtree(work)
        return
    install_npm_tools()
    settings = work / "openapi-ts.config.mjs"
    settings.write_text(
        TYPESCRIPT_CONFIG.format(
            document=json.dumps(str(document)), output=json.dumps(str(work / "typescript"))
        )
    )
    _run([str(OPENAPI_TS), "--file", str(settings), "--silent", "--no-log-file"], work, OPENAPI_TS.parent)
    (out / TYPESCRIPT_SOURCES).parent.mkdir(parents=True)
    shutil.move(work / "typescript", out / TYPESCRIPT_SOURCES)
    shutil.rmtree(work)


def _files(base: Path, part: Path) -> dict[Path, bytes]:
    root = base / part
    if root.is_file():
        return {part: root.read_bytes()}
    if not root.exists():
        return {}
    return {
        path.relative_to(base): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def differences(fresh: Path, committed: Path, parts: tuple[Path, ...] = GENERATED) -> list[str]:
    """A unified diff (shortened) of every generated file that differs between two trees."""
    lines: list[str] = []
    for part in parts:
        new, old = _files(fresh, part), _files(committed, part)
        for name in sorted(new.keys() | old.keys()):
            if new.get(name) == old.get(name):
                continue
            before = old.get(name, b"").decode(errors="replace").splitlines()
            after = new.get(name, b"").decode(errors="replace").splitlines()
            diff = difflib.unified_diff(before, after, f"committed/{name}", f"generated/{name}", lineterm="")
            # Generated lines can be very long (an index of every name): show their start.
            lines.extend([line[:200] for line in list(diff)[:40]] or [f"{name}: differs"])
    return lines


def main() -> None:
    """Regenerate clients/ in place, or with `--check` fail when the committed files differ."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed clients only")
    parser.add_argument("--skip-typescript", action="store_true", help="with --check: Python only (no npm)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pairhub-clients-") as temporary:
        fresh = Path(temporary)
        typescript = not (options.check and options.skip_typescript)
        generate(fresh, typescript)
        if options.check:
            parts = GENERATED if typescript else (DOCUMENT, PYTHON_PACKAGE)
            found = differences(fresh, CLIENTS, parts)
            if found:
                print("\n".join(found))
                raise SystemExit("the committed clients are stale: `make clients` regenerates them")
            print("the committed clients are what `make clients` generates")
            return
        for part in GENERATED:
            target = CLIENTS / part
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            shutil.move(fresh / part, target)
    print("clients/ regenerated from /openapi.json")


if __name__ == "__main__":
    main()
