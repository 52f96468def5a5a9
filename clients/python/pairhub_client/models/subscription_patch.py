from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.subscription_patch_event_names_item import SubscriptionPatchEventNamesItem
from ..models.subscription_patch_eventversion import SubscriptionPatchEventversion
from ..models.subscription_patch_state import SubscriptionPatchState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn
    from ..models.subscription_patch_customheaders import SubscriptionPatchCustomheaders


T = TypeVar("T", bound="SubscriptionPatch")


@_attrs_define
class SubscriptionPatch:
    """Change a subscription; `state` pauses (`paused`) or resumes (`active`) it.

    Attributes:
        url (str | Unset):
        event_version (SubscriptionPatchEventversion | Unset):
        event_names (list[SubscriptionPatchEventNamesItem] | Unset):
        max_batch_size (int | Unset):
        max_wait_ms (int | Unset):
        custom_headers (SubscriptionPatchCustomheaders | Unset): A patch of the write-only headers: a value sets or
            replaces the header of that name (case-insensitively), `null` removes it, headers not named are kept.
        description (None | str | Unset):
        state (SubscriptionPatchState | Unset):
        signature_header (str | Unset): The header that carries `sha256=<hex HMAC-SHA256 of the raw body>`: any `X-`
            name pairhub does not set otherwise, e.g. `X-SCALAR-Signature` for a receiver written for the Datahub.
        auth (None | OAuth2ClientCredentialsIn | Unset): Replaces the receiver's credentials whole (with
            `clientSecret`); null removes them.
    """

    url: str | Unset = UNSET
    event_version: SubscriptionPatchEventversion | Unset = UNSET
    event_names: list[SubscriptionPatchEventNamesItem] | Unset = UNSET
    max_batch_size: int | Unset = UNSET
    max_wait_ms: int | Unset = UNSET
    custom_headers: SubscriptionPatchCustomheaders | Unset = UNSET
    description: None | str | Unset = UNSET
    state: SubscriptionPatchState | Unset = UNSET
    signature_header: str | Unset = UNSET
    auth: None | OAuth2ClientCredentialsIn | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn

        url = self.url

        event_version: int | Unset = UNSET
        if not isinstance(self.event_version, Unset):
            event_version = self.event_version.value

        event_names: list[str] | Unset = UNSET
        if not isinstance(self.event_names, Unset):
            event_names = []
            for event_names_item_data in self.event_names:
                event_names_item = event_names_item_data.value
                event_names.append(event_names_item)

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

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = self.state.value

        signature_header = self.signature_header

        auth: dict[str, Any] | None | Unset
        if isinstance(self.auth, Unset):
            auth = UNSET
        elif isinstance(self.auth, OAuth2ClientCredentialsIn):
            auth = self.auth.to_dict()
        else:
            auth = self.auth

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if url is not UNSET:
            field_dict["url"] = url
        if event_version is not UNSET:
            field_dict["eventVersion"] = event_version
        if event_names is not UNSET:
            field_dict["eventNames"] = event_names
        if max_batch_size is not UNSET:
            field_dict["maxBatchSize"] = max_batch_size
        if max_wait_ms is not UNSET:
            field_dict["maxWaitMs"] = max_wait_ms
        if custom_headers is not UNSET:
            field_dict["customHeaders"] = custom_headers
        if description is not UNSET:
            field_dict["description"] = description
        if state is not UNSET:
            field_dict["state"] = state
        if signature_header is not UNSET:
            field_dict["signatureHeader"] = signature_header
        if auth is not UNSET:
            field_dict["auth"] = auth

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.o_auth_2_client_credentials_in import OAuth2ClientCredentialsIn
        from ..models.subscription_patch_customheaders import (
            SubscriptionPatchCustomheaders,
        )

        d = dict(src_dict)
        url = d.pop("url", UNSET)

        _event_version = d.pop("eventVersion", UNSET)
        event_version: SubscriptionPatchEventversion | Unset
        if isinstance(_event_version, Unset):
            event_version = UNSET
        else:
            event_version = SubscriptionPatchEventversion(_event_version)

        _event_names = d.pop("eventNames", UNSET)
        event_names: list[SubscriptionPatchEventNamesItem] | Unset = UNSET
        if _event_names is not UNSET:
            event_names = []
            for event_names_item_data in _event_names:
                event_names_item = SubscriptionPatchEventNamesItem(
                    event_names_item_data
                )

                event_names.append(event_names_item)

        max_batch_size = d.pop("maxBatchSize", UNSET)

        max_wait_ms = d.pop("maxWaitMs", UNSET)

        _custom_headers = d.pop("customHeaders", UNSET)
        custom_headers: SubscriptionPatchCustomheaders | Unset
        if isinstance(_custom_headers, Unset):
            custom_headers = UNSET
        else:
            custom_headers = SubscriptionPatchCustomheaders.from_dict(_custom_headers)

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _state = d.pop("state", UNSET)
        state: SubscriptionPatchState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = SubscriptionPatchState(_state)

        signature_header = d.pop("signatureHeader", UNSET)

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

        subscription_patch = cls(
            url=url,
            event_version=event_version,
            event_names=event_names,
            max_batch_size=max_batch_size,
            max_wait_ms=max_wait_ms,
            custom_headers=custom_headers,
            description=description,
            state=state,
            signature_header=signature_header,
            auth=auth,
        )

        return subscription_patch
