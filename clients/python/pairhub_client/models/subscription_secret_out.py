from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_secret_out_event_names_item import (
    SubscriptionSecretOutEventNamesItem,
)
from ..models.subscription_secret_out_eventgroup import SubscriptionSecretOutEventgroup
from ..models.subscription_secret_out_eventversion import (
    SubscriptionSecretOutEventversion,
)
from ..models.subscription_secret_out_signaturealgorithm import (
    SubscriptionSecretOutSignaturealgorithm,
)
from ..models.subscription_secret_out_state import SubscriptionSecretOutState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.counters_out import CountersOut
    from ..models.o_auth_2_client_credentials_out import OAuth2ClientCredentialsOut


T = TypeVar("T", bound="SubscriptionSecretOut")


@_attrs_define
class SubscriptionSecretOut:
    """A subscription with its new HMAC signing secret, shown this once (absent for ed25519).

    Attributes:
        id (UUID):
        organization_id (UUID):
        url (str):
        event_group (SubscriptionSecretOutEventgroup):
        event_version (SubscriptionSecretOutEventversion):
        event_names (list[SubscriptionSecretOutEventNamesItem]):
        max_batch_size (int):
        max_wait_ms (int):
        custom_header_names (list[str]): The names of the custom headers; their values are write-only and never shown.
        signature_header (str): The header that carries `sha256=<hex HMAC-SHA256 of the raw body>`: any `X-` name
            pairhub does not set otherwise, e.g. `X-SCALAR-Signature` for a receiver written for the Datahub.
        signature_algorithm (SubscriptionSecretOutSignaturealgorithm): `hmac-sha256`: `webhook-signature: v1,<base64
            HMAC>` and the body hash header, with the `secret`. `ed25519`: `webhook-signature: v1a,<base64 ed25519
            signature>` only, verified with `publicKey` or the JWK Set at `jwksUrl`. Chosen at creation; it cannot be
            changed (create a new subscription).
        public_key (None | str): ed25519: the `whpk_` public key that signs (null for HMAC).
        previous_public_key (None | str): ed25519: the previous public key, which signs as well until
            `previousSecretExpiresAt`.
        jwks_url (None | str): ed25519: the unauthenticated JWK Set of the signing keys, relative to the API's host.
        auth (None | OAuth2ClientCredentialsOut):
        description (None | str):
        state (SubscriptionSecretOutState):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        on_hold_since (datetime.datetime | None):
        on_hold_reason (None | str):
        disabled_at (datetime.datetime | None):
        disabled_reason (None | str):
        next_attempt_at (datetime.datetime | None):
        previous_secret_expires_at (datetime.datetime | None):
        backlog_events (int):
        counters (CountersOut): What became of the subscription's events so far; expiries are never silent.
        secret (None | str | Unset): `whsec_…`; absent for ed25519, whose private key stays.
    """

    id: UUID
    organization_id: UUID
    url: str
    event_group: SubscriptionSecretOutEventgroup
    event_version: SubscriptionSecretOutEventversion
    event_names: list[SubscriptionSecretOutEventNamesItem]
    max_batch_size: int
    max_wait_ms: int
    custom_header_names: list[str]
    signature_header: str
    signature_algorithm: SubscriptionSecretOutSignaturealgorithm
    public_key: None | str
    previous_public_key: None | str
    jwks_url: None | str
    auth: None | OAuth2ClientCredentialsOut
    description: None | str
    state: SubscriptionSecretOutState
    created_at: datetime.datetime
    updated_at: datetime.datetime
    on_hold_since: datetime.datetime | None
    on_hold_reason: None | str
    disabled_at: datetime.datetime | None
    disabled_reason: None | str
    next_attempt_at: datetime.datetime | None
    previous_secret_expires_at: datetime.datetime | None
    backlog_events: int
    counters: CountersOut
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.o_auth_2_client_credentials_out import OAuth2ClientCredentialsOut

        id = str(self.id)

        organization_id = str(self.organization_id)

        url = self.url

        event_group = self.event_group.value

        event_version = self.event_version.value

        event_names = []
        for event_names_item_data in self.event_names:
            event_names_item = event_names_item_data.value
            event_names.append(event_names_item)

        max_batch_size = self.max_batch_size

        max_wait_ms = self.max_wait_ms

        custom_header_names = self.custom_header_names

        signature_header = self.signature_header

        signature_algorithm = self.signature_algorithm.value

        public_key: None | str
        public_key = self.public_key

        previous_public_key: None | str
        previous_public_key = self.previous_public_key

        jwks_url: None | str
        jwks_url = self.jwks_url

        auth: dict[str, Any] | None
        if isinstance(self.auth, OAuth2ClientCredentialsOut):
            auth = self.auth.to_dict()
        else:
            auth = self.auth

        description: None | str
        description = self.description

        state = self.state.value

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        on_hold_since: None | str
        if isinstance(self.on_hold_since, datetime.datetime):
            on_hold_since = self.on_hold_since.isoformat()
        else:
            on_hold_since = self.on_hold_since

        on_hold_reason: None | str
        on_hold_reason = self.on_hold_reason

        disabled_at: None | str
        if isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        previous_secret_expires_at: None | str
        if isinstance(self.previous_secret_expires_at, datetime.datetime):
            previous_secret_expires_at = self.previous_secret_expires_at.isoformat()
        else:
            previous_secret_expires_at = self.previous_secret_expires_at

        backlog_events = self.backlog_events

        counters = self.counters.to_dict()

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "organizationId": organization_id,
                "url": url,
                "eventGroup": event_group,
                "eventVersion": event_version,
                "eventNames": event_names,
                "maxBatchSize": max_batch_size,
                "maxWaitMs": max_wait_ms,
                "customHeaderNames": custom_header_names,
                "signatureHeader": signature_header,
                "signatureAlgorithm": signature_algorithm,
                "publicKey": public_key,
                "previousPublicKey": previous_public_key,
                "jwksUrl": jwks_url,
                "auth": auth,
                "description": description,
                "state": state,
                "createdAt": created_at,
                "updatedAt": updated_at,
                "onHoldSince": on_hold_since,
                "onHoldReason": on_hold_reason,
                "disabledAt": disabled_at,
                "disabledReason": disabled_reason,
                "nextAttemptAt": next_attempt_at,
                "previousSecretExpiresAt": previous_secret_expires_at,
                "backlogEvents": backlog_events,
                "counters": counters,
            }
        )
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.counters_out import CountersOut
        from ..models.o_auth_2_client_credentials_out import OAuth2ClientCredentialsOut

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        organization_id = UUID(d.pop("organizationId"))

        url = d.pop("url")

        event_group = SubscriptionSecretOutEventgroup(d.pop("eventGroup"))

        event_version = SubscriptionSecretOutEventversion(d.pop("eventVersion"))

        event_names = []
        _event_names = d.pop("eventNames")
        for event_names_item_data in _event_names:
            event_names_item = SubscriptionSecretOutEventNamesItem(
                event_names_item_data
            )

            event_names.append(event_names_item)

        max_batch_size = d.pop("maxBatchSize")

        max_wait_ms = d.pop("maxWaitMs")

        custom_header_names = cast(list[str], d.pop("customHeaderNames"))

        signature_header = d.pop("signatureHeader")

        signature_algorithm = SubscriptionSecretOutSignaturealgorithm(
            d.pop("signatureAlgorithm")
        )

        def _parse_public_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        public_key = _parse_public_key(d.pop("publicKey"))

        def _parse_previous_public_key(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        previous_public_key = _parse_previous_public_key(d.pop("previousPublicKey"))

        def _parse_jwks_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        jwks_url = _parse_jwks_url(d.pop("jwksUrl"))

        def _parse_auth(data: object) -> None | OAuth2ClientCredentialsOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                auth_type_0 = OAuth2ClientCredentialsOut.from_dict(data)

                return auth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OAuth2ClientCredentialsOut, data)

        auth = _parse_auth(d.pop("auth"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        state = SubscriptionSecretOutState(d.pop("state"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_on_hold_since(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                on_hold_since_type_0 = datetime.datetime.fromisoformat(data)

                return on_hold_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        on_hold_since = _parse_on_hold_since(d.pop("onHoldSince"))

        def _parse_on_hold_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        on_hold_reason = _parse_on_hold_reason(d.pop("onHoldReason"))

        def _parse_disabled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        disabled_at = _parse_disabled_at(d.pop("disabledAt"))

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabledReason"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("nextAttemptAt"))

        def _parse_previous_secret_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                previous_secret_expires_at_type_0 = datetime.datetime.fromisoformat(
                    data
                )

                return previous_secret_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        previous_secret_expires_at = _parse_previous_secret_expires_at(
            d.pop("previousSecretExpiresAt")
        )

        backlog_events = d.pop("backlogEvents")

        counters = CountersOut.from_dict(d.pop("counters"))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        subscription_secret_out = cls(
            id=id,
            organization_id=organization_id,
            url=url,
            event_group=event_group,
            event_version=event_version,
            event_names=event_names,
            max_batch_size=max_batch_size,
            max_wait_ms=max_wait_ms,
            custom_header_names=custom_header_names,
            signature_header=signature_header,
            signature_algorithm=signature_algorithm,
            public_key=public_key,
            previous_public_key=previous_public_key,
            jwks_url=jwks_url,
            auth=auth,
            description=description,
            state=state,
            created_at=created_at,
            updated_at=updated_at,
            on_hold_since=on_hold_since,
            on_hold_reason=on_hold_reason,
            disabled_at=disabled_at,
            disabled_reason=disabled_reason,
            next_attempt_at=next_attempt_at,
            previous_secret_expires_at=previous_secret_expires_at,
            backlog_events=backlog_events,
            counters=counters,
            secret=secret,
        )

        subscription_secret_out.additional_properties = d
        return subscription_secret_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
