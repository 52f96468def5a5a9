"""One repository protocol per aggregate, grouped by concept; each returns frozen domain records."""

from __future__ import annotations

from pairhub.ports.repositories.assets import AssetRepository, VinCandidates
from pairhub.ports.repositories.audit import AuditRepository
from pairhub.ports.repositories.delivery import AttemptRepository, BatchRepository, SubscriptionRepository
from pairhub.ports.repositories.feeds import FeedRepository
from pairhub.ports.repositories.intake import IdempotencyRepository, TakenMessageRepository
from pairhub.ports.repositories.organizations import (
    ApiKeyRepository,
    OrganizationRepository,
    SessionRepository,
)
from pairhub.ports.repositories.people import InvitationRepository, MembershipRepository, PersonRepository
from pairhub.ports.repositories.units import (
    DiagnosisRepository,
    PairingRepository,
    UnitRepository,
    UnknownUnitRepository,
)

__all__ = [
    "ApiKeyRepository",
    "AssetRepository",
    "AttemptRepository",
    "AuditRepository",
    "BatchRepository",
    "DiagnosisRepository",
    "FeedRepository",
    "IdempotencyRepository",
    "InvitationRepository",
    "MembershipRepository",
    "OrganizationRepository",
    "PairingRepository",
    "PersonRepository",
    "SessionRepository",
    "SubscriptionRepository",
    "TakenMessageRepository",
    "UnitRepository",
    "UnknownUnitRepository",
    "VinCandidates",
]
