"""An integrator's session through a Python client generated from `/openapi.json` by openapi-python-client."""

from __future__ import annotations

import importlib
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.e2e.processes import start_serve, stop

# `make install-generator` (a dependency of `make test`) puts the generator in a venv of its own.
GENERATOR = Path(sys.executable).parent.parent / "generator" / "bin" / "openapi-python-client"
ADMIN_TOKEN = "generated-client-admin-token"
PACKAGE = "pairhub_client"
# The export answers JSON Lines, a media type the generator does not know: it reads it as bytes (docs/api.md).
GENERATOR_CONFIG = "content_type_overrides:\n  application/x-ndjson: application/octet-stream\n"


class Generated:
    """The generated package, imported, and the server it was generated from."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def module(self, name: str) -> ModuleType:
        """Import `pairhub_client.<name>`."""
        return importlib.import_module(f"{PACKAGE}.{name}")

    def client(self, token: str) -> Any:
        """An authenticated client of the generated package."""
        return self.module("client").AuthenticatedClient(base_url=self.base_url, token=token)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """Serve pairhub, generate a client from its document and import it."""
    workdir = tmp_path_factory.mktemp("generated-client")
    process, base_url = start_serve(
        workdir,
        {"PAIRHUB_DATABASE_URL": f"sqlite:///{workdir / 'pairhub.db'}", "PAIRHUB_ADMIN_TOKEN": ADMIN_TOKEN},
    )
    try:
        document = workdir / "openapi.json"
        with urllib.request.urlopen(f"{base_url}/openapi.json", timeout=10) as response:
            document.write_bytes(response.read())
        assert GENERATOR.exists(), f"{GENERATOR} is missing: `make test` installs it"
        config = workdir / "generator.yml"
        config.write_text(GENERATOR_CONFIG)
        command = [str(GENERATOR), "generate", "--path", str(document), "--config", str(config)]
        result = subprocess.run(
            [*command, "--output-path", str(workdir / "client")],
            capture_output=True,
            text=True,
            # The generator formats its output with the ruff of its own venv.
            env={"PATH": str(GENERATOR.parent), "HOME": str(workdir)},
            check=False,
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "Warning" not in output, output
        sys.path.insert(0, str(workdir / "client"))
        yield Generated(base_url)
    finally:
        sys.path[:] = [entry for entry in sys.path if entry != str(workdir / "client")]
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]
        stop(process)


def _new_org(generated: Generated) -> tuple[str, str]:
    """An organization and its key, made through the generated client with the admin token."""
    models = generated.module("models")
    organizations = generated.module("api.organizations.create_organization")
    keys = generated.module("api.people_and_keys.create_api_key")
    with generated.client(ADMIN_TOKEN) as admin:
        name = f"Acme {uuid.uuid4()}"
        organization = organizations.sync(client=admin, body=models.OrganizationIn(name=name))
        assert isinstance(organization, models.OrganizationOut)
        key = keys.sync(str(organization.id), client=admin, body=models.ApiKeyIn(name="integration"))
        assert isinstance(key, models.NewApiKeyOut)
    return str(organization.id), key.key


def test_a_session_pairs_unpairs_reads_the_feed_and_gets_typed_problems(generated: Generated) -> None:
    models = generated.module("models")
    org_id, key = _new_org(generated)
    with generated.client(key) as client:
        _session(generated, models, org_id, client)


def _session(generated: Generated, models: ModuleType, org_id: str, client: Any) -> None:
    """Pair, refuse, unpair and read the feed back, all typed."""
    create_asset = generated.module("api.assets.create_asset")
    provision_unit = generated.module("api.units.provision_unit")
    pair = generated.module("api.pairings.pair")
    unpair = generated.module("api.pairings.unpair")
    feed = generated.module("api.events.feed")

    asset = create_asset.sync(org_id, client=client, body=models.AssetIn(vin="1HGCM82633A004352"))
    other = create_asset.sync(org_id, client=client, body=models.AssetIn(name="Reefer 7"))
    assert isinstance(asset, models.AssetOut) and isinstance(other, models.AssetOut)
    assert isinstance(asset.id, uuid.UUID)
    unit = provision_unit.sync(org_id, client=client, body=models.UnitIn(unit_id="tp:generated1"))
    assert isinstance(unit, models.UnitOut)

    paired = pair.sync(org_id, client=client, body=models.PairingIn(unit_id=unit.unit_id, asset_id=asset.id))
    assert isinstance(paired, models.PairingOut)

    # A second pairing of the same unit is a typed 409 that names the asset it is paired with.
    conflict = pair.sync_detailed(
        org_id, client=client, body=models.PairingIn(unit_id=unit.unit_id, asset_id=other.id)
    )
    assert conflict.status_code == 409
    assert isinstance(conflict.parsed, models.Problem)
    assert conflict.parsed.code == models.ProblemCode.UNIT_ALREADY_PAIRED
    assert conflict.parsed.asset_id == asset.id

    # A VIN that breaks the rules is a typed 422 with one entry per refused value.
    invalid = create_asset.sync_detailed(org_id, client=client, body=models.AssetIn(vin="NOT A VIN"))
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.Problem)
    assert invalid.parsed.code in {models.ProblemCode.INVALID_VIN, models.ProblemCode.VALIDATION_ERROR}
    assert not invalid.parsed.additional_properties

    unpaired = unpair.sync_detailed(org_id, unit.unit_id, client=client)
    assert unpaired.status_code in {200, 204}

    page = feed.sync(org_id, client=client, event_version=1)
    assert isinstance(page, models.PageOutFeedItemOut)
    kinds = [(type(item).__name__, type(item.event_data).__name__) for item in page.data]
    assert kinds == [
        ("V1UnitPairedFeedItem", "UnitPairedManualPairEventDataV1"),
        ("V1UnitUnpairedFeedItem", "UnitUnpairedEventDataV1"),
    ]
    paired_data = page.data[0].event_data
    assert paired_data.asset_vin == "1HGCM82633A004352"
    assert paired_data.unit_id == "tp:generated1"
    assert paired_data.asset_id == asset.id
