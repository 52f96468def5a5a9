from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscription_in_event_names_item import SubscriptionInEventNamesItem
from ..models.subscription_in_eventgroup import SubscriptionInEventgroup
from ..models.subscription_in_eventversion import SubscriptionInEventversion
from ..models.subscription_in_signaturealgorithm import SubscriptionInSignaturealgorithm
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn
    from ..models.subscription_in_customheaders import SubscriptionInCustomheaders


T = TypeVar("T", bound="SubscriptionIn")


@_attrs_define
class SubscriptionIn:
    """Create a webhook subscription.

    Attributes:
        url (str): https:// endpoint that receives batches.
        event_names (list[SubscriptionInEventNamesItem]):
        event_group (SubscriptionInEventgroup | Unset): Default: `"asset"`.
        event_version (SubscriptionInEventversion | Unset): Default: `1`.
        max_batch_size (int | Unset): Default: `100`.
        max_wait_ms (int | Unset): Default: `500`.
        custom_headers (SubscriptionInCustomheaders | Unset): At most 5, sent with every request. Values are write-only:
            responses name the headers (`customHeaderNames`), never their values.
        description (None | str | Unset):
        signature_header (str | Unset): The header that carries `sha256=<hex HMAC-SHA256 of the raw body>`: any `X-`
            name pairhub does not set otherwise, e.g. `X-SCALAR-Signature` for a receiver written for the Datahub. Default:
            `"X-Signature-256"`.
        signature_algorithm (SubscriptionInSignaturealgorithm | Unset): `hmac-sha256`: `webhook-signature: v1,<base64
            HMAC>` and the body hash header, with the `secret`. `ed25519`: `webhook-signature: v1a,<base64 ed25519
            signature>` only, verified with `publicKey` or the JWK Set at `jwksUrl`. Chosen at creation; it cannot be
            changed (create a new subscription). Default: `"hmac-sha256"`.
        auth (None | OAuth2ClientCredentialsIn | Unset): How pairhub authenticates to the URL.
        secret (None | str | Unset): Bring your own HMAC signing secret: `whsec_` + base64 of 32 random bytes (422
            `invalid_secret` otherwise, and for ed25519 subscriptions). Without it pairhub makes one.
    """

    url: str
    event_names: list[SubscriptionInEventNamesItem]
    event_group: SubscriptionInEventgroup | Unset = UNSET
    event_version: SubscriptionInEventversion | Unset = UNSET
    max_batch_size: int | Unset = UNSET
    max_wait_ms: int | Unset = UNSET
    custom_headers: SubscriptionInCustomheaders | Unset = UNSET
    description: None | str | Unset = UNSET
    signature_header: str | Unset = UNSET
    signature_algorithm: SubscriptionInSignaturealgorithm | Unset = UNSET
    auth: None | OAuth2ClientCredentialsIn | Unset = UNSET
    secret: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn

        url = self.url

        event_names = []
        for event_names_item_data in self.event_names:
            event_names_item = event_names_item_data.value
            event_names.append(event_names_item)

        event_group: str | Unset = UNSET
        if not isinstance(self.event_group, Unset):
            event_group = self.event_group.value

        event_version: int | Unset = UNSET
        if not isinstance(self.event_version, Unset):
            event_version = self.event_version.value

        max_batch_size = self.max_batch_size

        max_wait_ms = self.max_wait_ms

        custom_headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.custom_headers, Unset):
            custom_headers = self.custom_headers.to_dict()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        signature_header = self.signature_header

        signature_algorithm: str | Unset = UNSET
        if not isinstance(self.signature_algorithm, Unset):
            signature_algorithm = self.signature_algorithm.value

        auth: dict[str, Any] | None | Unset
        if isinstance(self.auth, Unset):
            auth = UNSET
        elif isinstance(self.auth, OAuth2ClientCredentialsIn):
            auth = self.auth.to_dict()
        else:
            auth = self.auth

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "eventNames": event_names,
            }
        )
        if event_group is not UNSET:
            field_dict["eventGroup"] = event_group
        if event_version is not UNSET:
            field_dict["eventVersion"] = event_version
        if max_batch_size is not UNSET:
            field_dict["maxBatchSize"] = max_batch_size
        if max_wait_ms is not UNSET:
            field_dict["maxWaitMs"] = max_wait_ms
        if custom_headers is not UNSET:
            field_dict["customHeaders"] = custom_headers
        if description is not UNSET:
            field_dict["description"] = description
        if signature_header is not UNSET:
            field_dict["signatureHeader"] = signature_header
        if signature_algorithm is not UNSET:
            field_dict["signatureAlgorithm"] = signature_algorithm
        if auth is not UNSET:
            field_dict["auth"] = auth
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn
        from ..models.subscription_in_customheaders import SubscriptionInCustomheaders

        d = dict(src_dict)
        url = d.pop("url")

        event_names = []
        _event_names = d.pop("eventNames")
        for event_names_item_data in _event_names:
            event_names_item = SubscriptionInEventNamesItem(event_names_item_data)

            event_names.append(event_names_item)

        _event_group = d.pop("eventGroup", UNSET)
        event_group: SubscriptionInEventgroup | Unset
        if isinstance(_event_group, Unset):
            event_group = UNSET
        else:
            event_group = SubscriptionInEventgroup(_event_group)

        _event_version = d.pop("eventVersion", UNSET)
        event_version: SubscriptionInEventversion | Unset
        if isinstance(_event_version, Unset):
            event_version = UNSET
        else:
            event_version = SubscriptionInEventversion(_event_version)

        max_batch_size = d.pop("maxBatchSize", UNSET)

        max_wait_ms = d.pop("maxWaitMs", UNSET)

        _custom_headers = d.pop("customHeaders", UNSET)
        custom_headers: SubscriptionInCustomheaders | Unset
        if isinstance(_custom_headers, Unset):
            custom_headers = UNSET
        else:
            custom_headers = SubscriptionInCustomheaders.from_dict(_custom_headers)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        signature_header = d.pop("signatureHeader", UNSET)

        _signature_algorithm = d.pop("signatureAlgorithm", UNSET)
        signature_algorithm: SubscriptionInSignaturealgorithm | Unset
        if isinstance(_signature_algorithm, Unset):
            signature_algorithm = UNSET
        else:
            signature_algorithm = SubscriptionInSignaturealgorithm(_signature_algorithm)

        def _parse_auth(data: object) -> None | OAuth2ClientCredentialsIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                auth_type_0 = OAuth2ClientCredentialsIn.from_dict(data)

                return auth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OAuth2ClientCredentialsIn | Unset, data)

        auth = _parse_auth(d.pop("auth", UNSET))

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        subscription_in = cls(
            url=url,
            event_names=event_names,
            event_group=event_group,
            event_version=event_version,
            max_batch_size=max_batch_size,
            max_wait_ms=max_wait_ms,
            custom_headers=custom_headers,
            description=description,
            signature_header=signature_header,
            signature_algorithm=signature_algorithm,
            auth=auth,
            secret=secret,
        )

        return subscription_in
