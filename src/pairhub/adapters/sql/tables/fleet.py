"""Assets, units, the pairing history and the diagnoses of auto-pairing attempts."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from pairhub.adapters.sql.tables.schema import Serial, metadata

assets = Table(
    "assets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("vin", String(17)),
    # Derived from vin so that suffix (P1) and serial (P2) lookups are index range scans.
    Column("vin_reversed", String(17)),
    Column("vin_serial", String(6)),
    Column("name", String(200)),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    UniqueConstraint("organization_id", "vin"),
    Index("ix_assets_org_vin_reversed", "organization_id", "vin_reversed"),
    Index("ix_assets_org_vin_serial", "organization_id", "vin_serial"),
    Index("ix_assets_org_name", "organization_id", "name"),
)

units = Table(
    "units",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("asset_id", String(36), ForeignKey("assets.id")),
    Column("paired_at", BigInteger),
    Column("created_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger),
    Column("last_vin_raw", String(200)),
    Column("last_vin", String(200)),
    Column("last_latitude", Float),
    Column("last_longitude", Float),
    # Auto-pairing progress of the unit (SPEC "Units": the `autoPairing` object).
    Column("ap_state", String(32), nullable=False),
    Column("ap_vin", String(200)),
    Column("ap_sensor_vin", String(200)),
    Column("ap_candidates", Text),
    Column("ap_first_failed_at", BigInteger),
    Column("ap_reminders_sent", Integer, nullable=False, default=0),
    Column("ap_next_reminder_at", BigInteger),
    Column("ap_retry_after", BigInteger),
    Index("ix_units_org_id", "organization_id", "id"),
    Index("ix_units_asset", "asset_id"),
    Index("ix_units_next_reminder", "ap_next_reminder_at"),
    Index("ix_units_org_state", "organization_id", "ap_state"),
)

pairings = Table(
    "pairings",
    metadata,
    Column("seq", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("asset_id", String(36), nullable=False),
    Column("paired_at", BigInteger, nullable=False),
    Column("paired_by", String(32), nullable=False),
    Column("paired_via", String(32), nullable=False),
    Column("unpaired_at", BigInteger),
    Column("unpaired_by", String(32)),
    Column("unpaired_via", String(32)),
    Index("ix_pairings_org_seq", "organization_id", "seq"),
    # "As of" reads one organization's entries that began before an instant, by unit id; closing a
    # unit's open entry finds it here too (migration 0014 dropped a unit-wide index for that).
    Index("ix_pairings_org_unit_paired", "organization_id", "unit_id", "paired_at"),
    sqlite_autoincrement=True,
)

pairing_diagnoses = Table(
    "pairing_diagnoses",
    metadata,
    # Why each auto-pairing attempt ended as it did; written with its event, never part of the payload.
    Column("id", Serial, primary_key=True, autoincrement=True),
    Column("organization_id", String(36), ForeignKey("organizations.id"), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("rule", String(16), nullable=False),
    Column("raw_vin", Text),
    Column("normalized_vin", String(200), nullable=False),
    Column("removed", Text, nullable=False),
    Column("invalid_reason", String(200)),
    Column("candidates", Text, nullable=False),
    Column("check_digit_valid", Boolean),
    Column("asset_id", String(36)),
    Index("ix_pairing_diagnoses_unit", "organization_id", "unit_id", "id"),
    sqlite_autoincrement=True,
)
