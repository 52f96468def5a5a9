from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.o_auth_2_client_credentials_in_type import OAuth2ClientCredentialsInType
from ..types import UNSET, Unset

T = TypeVar("T", bound="OAuth2ClientCredentialsIn")


@_attrs_define
class OAuth2ClientCredentialsIn:
    """OAuth2 client credentials: pairhub fetches a bearer token from `tokenUrl` for every receiver call.

    Attributes:
        type_ (OAuth2ClientCredentialsInType):
        token_url (str): The token endpoint; the webhook URL's rules apply.
        client_id (str):
        client_secret (str): Sent with client_secret_basic; write-only, never shown again.
        scope (None | str | Unset): Space-separated scopes.
    """

    type_: OAuth2ClientCredentialsInType
    token_url: str
    client_id: str
    client_secret: str
    scope: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        token_url = self.token_url

        client_id = self.client_id

        client_secret = self.client_secret

        scope: None | str | Unset
        if isinstance(self.scope, Unset):
            scope = UNSET
        else:
            scope = self.scope

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "type": type_,
                "tokenUrl": token_url,
                "clientId": client_id,
                "clientSecret": client_secret,
            }
        )
        if scope is not UNSET:
            field_dict["scope"] = scope

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        type_ = OAuth2ClientCredentialsInType(d.pop("type"))

        token_url = d.pop("tokenUrl")

        client_id = d.pop("clientId")

        client_secret = d.pop("clientSecret")

        def _parse_scope(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scope = _parse_scope(d.pop("scope", UNSET))

        o_auth_2_client_credentials_in = cls(
            type_=type_,
            token_url=token_url,
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
        )

        return o_auth_2_client_credentials_in
