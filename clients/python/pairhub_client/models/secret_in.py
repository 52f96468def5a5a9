from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SecretIn")


@_attrs_define
class SecretIn:
    """Rotate the signing secret: to one pairhub makes, or to the one given.

    Attributes:
        secret (None | str | Unset): Bring your own HMAC signing secret: `whsec_` + base64 of 32 random bytes (422
            `invalid_secret` otherwise, and for ed25519 subscriptions). Without it pairhub makes one.
    """

    secret: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))

        secret_in = cls(
            secret=secret,
        )

        return secret_in
