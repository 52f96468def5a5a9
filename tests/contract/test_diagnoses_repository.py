"""The diagnoses contract: the same assertions on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from pairhub.domain.diagnosis import Candidate, Diagnosis, Rule
from pairhub.domain.organizations import Organization
from pairhub.ports import Storage


def _diagnosis(org: str, unit_id: str, at: int) -> Diagnosis:
    return Diagnosis(
        organization_id=org,
        unit_id=unit_id,
        at=at,
        outcome="MultipleMatchFound",
        raw_vin=" f3d001*\xff",
        normalized_vin="F3D001",
        removed=("whitespace", "lowercase (uppercased)"),
        rule=Rule.P1,
        invalid_reason=None,
        candidates=(Candidate("a1", "WDB9634031LF3D001", Rule.P1), Candidate("a2", None, Rule.P2, 4)),
        check_digit_valid=None,
    )


def test_diagnoses_round_trip_newest_first_per_unit(storage: Storage, organization: Organization) -> None:
    org = organization.id
    written = [_diagnosis(org, "tp:1", 10), _diagnosis(org, "tp:2", 20), _diagnosis(org, "tp:1", 30)]
    with storage.write() as uow:
        uow.diagnoses.add_many(written)
        uow.diagnoses.add_many([])
    with storage.read() as uow:
        of_one = uow.diagnoses.of_unit(org, "tp:1", None, 10)
        page = uow.diagnoses.of_unit(org, "tp:1", None, 1)
        older = uow.diagnoses.of_unit(org, "tp:1", page[0].id, 10)
        elsewhere = uow.diagnoses.of_unit("other", "tp:1", None, 10)

    assert [d.at for d in of_one] == [30, 10]
    assert of_one[0].id > of_one[1].id
    assert [replace(d, id=0) for d in of_one] == [written[2], written[0]]
    assert page == of_one[:1]
    assert older == of_one[1:]
    assert elsewhere == []


def test_a_deleted_units_diagnoses_are_forgotten(storage: Storage, organization: Organization) -> None:
    org = organization.id
    with storage.write() as uow:
        uow.diagnoses.add_many([_diagnosis(org, "tp:1", 10), _diagnosis(org, "tp:2", 20)])
    with storage.write() as uow:
        uow.diagnoses.delete_of_unit("tp:1")
    with storage.read() as uow:
        assert uow.diagnoses.of_unit(org, "tp:1", None, 10) == []
        assert [d.unit_id for d in uow.diagnoses.of_unit(org, "tp:2", None, 10)] == ["tp:2"]
