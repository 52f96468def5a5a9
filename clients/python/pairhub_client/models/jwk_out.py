from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.jwk_out_alg import JwkOutAlg
from ..models.jwk_out_crv import JwkOutCrv
from ..models.jwk_out_kty import JwkOutKty
from ..models.jwk_out_use import JwkOutUse

T = TypeVar("T", bound="JwkOut")


@_attrs_define
class JwkOut:
    """An ed25519 public key as a JWK (RFC 8037); `kid` is its RFC 7638 thumbprint.

    Attributes:
        kty (JwkOutKty):
        crv (JwkOutCrv):
        x (str): The 32-byte public key, base64url without padding.
        kid (str):
        use (JwkOutUse):
        alg (JwkOutAlg):
    """

    kty: JwkOutKty
    crv: JwkOutCrv
    x: str
    kid: str
    use: JwkOutUse
    alg: JwkOutAlg
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kty = self.kty.value

        crv = self.crv.value

        x = self.x

        kid = self.kid

        use = self.use.value

        alg = self.alg.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kty": kty,
                "crv": crv,
                "x": x,
                "kid": kid,
                "use": use,
                "alg": alg,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        kty = JwkOutKty(d.pop("kty"))

        crv = JwkOutCrv(d.pop("crv"))

        x = d.pop("x")

        kid = d.pop("kid")

        use = JwkOutUse(d.pop("use"))

        alg = JwkOutAlg(d.pop("alg"))

        jwk_out = cls(
            kty=kty,
            crv=crv,
            x=x,
            kid=kid,
            use=use,
            alg=alg,
        )

        jwk_out.additional_properties = d
        return jwk_out

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
