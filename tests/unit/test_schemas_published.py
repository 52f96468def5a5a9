"""The schemas shipped in the package and those under docs/ are the ones the code generates."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pairhub.contract import schemas

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = schemas.all_schemas()


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(PUBLISHED[name])


@pytest.mark.parametrize("folder", ["src/pairhub/contract/schemas", "docs/schemas"])
def test_published_copies_are_up_to_date(folder: str) -> None:
    directory = ROOT / folder
    on_disk = {path.name: path.read_text() for path in directory.glob("*.json")}
    expected = {name: schemas.dump(schema) for name, schema in PUBLISHED.items()}
    assert on_disk == expected, "run `make schemas` to refresh the published JSON Schemas"
