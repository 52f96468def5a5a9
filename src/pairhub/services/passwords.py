"""Password hashes: argon2id with argon2-cffi's recommended parameters."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the email is unknown, so that an unknown address costs as long as a wrong password.
_DECOY = _hasher.hash("pairhub decoy password")


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (salted; parameters in the hash)."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """True when `password` matches `stored`; a person without a password never matches."""
    try:
        return _hasher.verify(stored or _DECOY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
