"""The seams between use cases and the world: storage (a unit of work with repositories), time, HTTP.

Services depend on these protocols only; `adapters/sql` and `adapters/memory` implement the storage
ones, `adapters/http` the sender, `adapters/clock` the clock,
`adapters/secret_box` the sealer of cursors. Records crossing them are frozen values
of the domain, never rows.
"""

from __future__ import annotations

from pairhub.ports.outside import (
    Clock,
    IdentityProvider,
    IdentityProviderError,
    Mailer,
    ReadinessProbe,
    Sealer,
    SecretKeyError,
    Sender,
    SendResult,
)
from pairhub.ports.repositories import (
    ApiKeyRepository,
    AssetRepository,
    AttemptRepository,
    BatchRepository,
    DiagnosisRepository,
    FeedRepository,
    IdempotencyRepository,
    OrganizationRepository,
    PairingRepository,
    SessionRepository,
    SubscriptionRepository,
    TakenMessageRepository,
    UnitRepository,
    UnknownUnitRepository,
    VinCandidates,
)
from pairhub.ports.storage import (
    EventQuery,
    EventStore,
    RenderedEvent,
    Storage,
    StorageFull,
    StorageOutage,
    StorageUnavailable,
    StoredEvent,
    UnitOfWork,
)

__all__ = [
    "ApiKeyRepository",
    "AssetRepository",
    "AttemptRepository",
    "BatchRepository",
    "Clock",
    "DiagnosisRepository",
    "EventQuery",
    "EventStore",
    "FeedRepository",
    "IdempotencyRepository",
    "IdentityProvider",
    "IdentityProviderError",
    "Mailer",
    "OrganizationRepository",
    "PairingRepository",
    "ReadinessProbe",
    "RenderedEvent",
    "Sealer",
    "SecretKeyError",
    "SendResult",
    "Sender",
    "SessionRepository",
    "Storage",
    "StorageFull",
    "StorageOutage",
    "StorageUnavailable",
    "StoredEvent",
    "SubscriptionRepository",
    "TakenMessageRepository",
    "UnitOfWork",
    "UnitRepository",
    "UnknownUnitRepository",
    "VinCandidates",
]
