"""Secrets at rest and opaque positions under `PAIRHUB_SECRET_KEY`: the one place that holds the keys.

The setting is one key or a comma-separated list (URL-safe base64 of 32 random bytes each): the first
key encrypts, every key of the list decrypts, so a key is rotated by putting the new one first. Each
key is split by HKDF into an AES-256-GCM key (secrets, randomized), an AES-SIV key (positions,
deterministic: the same position always gives the same cursor) and a short public key id, so a stored
value says which key encrypted it without revealing anything of the key.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, AESSIV
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pairhub.ports import SecretKeyError

KEY_BYTES = 32
NONCE_BYTES = 12
SEALED_PREFIX = "enc1"
"""Stored secrets read `enc1.<key id>.<base64url of nonce and ciphertext>`."""
MAX_SEALED_CHARS = 200
"""Longer text is never a cursor this box sealed (an 8-byte position seals to 32 characters, an id of
at most 100 characters to at most 156)."""
VARIABLE = "PAIRHUB_SECRET_KEY"


def new_key() -> str:
    """A fresh key for `PAIRHUB_SECRET_KEY`: URL-safe base64 of 32 random bytes."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    # validate=True: characters outside the alphabet are refused, never skipped.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def _derive(key: bytes, purpose: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"pairhub " + purpose).derive(key)


@dataclass(frozen=True)
class _Key:
    id: str
    aead: AESGCM
    siv: AESSIV

    @classmethod
    def of(cls, key: bytes) -> _Key:
        return cls(
            id=_derive(key, b"key id", 4).hex(),
            aead=AESGCM(_derive(key, b"secrets at rest", 32)),
            siv=AESSIV(_derive(key, b"positions", 64)),
        )


def parse_keys(setting: str, source: str = VARIABLE) -> list[bytes]:
    """The keys of a setting (one key or a comma-separated list); SecretKeyError names the bad entry."""
    entries = [entry.strip() for entry in setting.split(",")]
    if not any(entries):
        raise SecretKeyError(f"{source} is empty; `pairhub secret-key` prints a new key.")
    keys = []
    for number, entry in enumerate(entries, start=1):
        try:
            key = _unb64(entry) if entry.isascii() else b""
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES:
            # Never echo the entry: it may be a real key with a typo.
            raise SecretKeyError(
                f"{source}: entry {number} is not URL-safe base64 of {KEY_BYTES} bytes; "
                "`pairhub secret-key` prints a valid key."
            )
        keys.append(key)
    return keys


class SecretBox:
    """Encrypts secrets (AES-256-GCM) and seals positions (AES-SIV); the first key writes, any key reads."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise SecretKeyError(f"{VARIABLE} holds no key.")
        self._keys = [_Key.of(key) for key in keys]
        self._by_id = {key.id: key for key in reversed(self._keys)}

    @classmethod
    def from_setting(cls, setting: str, source: str = VARIABLE) -> SecretBox:
        """A box with the keys of a `PAIRHUB_SECRET_KEY` value."""
        return cls(parse_keys(setting, source))

    @property
    def key_id(self) -> str:
        """The public id of the key that encrypts."""
        return self._keys[0].id

    def encrypt(self, plaintext: str, context: str) -> str:
        """`plaintext` encrypted under the first key, bound to `context` (where it is stored)."""
        key = self._keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = key.aead.encrypt(nonce, plaintext.encode(), context.encode())
        return f"{SEALED_PREFIX}.{key.id}.{_b64(nonce + sealed)}"

    def decrypt(self, stored: str, context: str) -> str:
        """The plaintext of a value `encrypt` wrote for `context`; SecretKeyError in words otherwise."""
        prefix, _, rest = stored.partition(".")
        key_id, _, body = rest.partition(".")
        if prefix != SEALED_PREFIX or not body:
            raise SecretKeyError(f"The stored value of {context} is not encrypted as pairhub encrypts.")
        key = self._by_id.get(key_id)
        if key is None:
            raise SecretKeyError(
                f"The stored value of {context} was encrypted with key {key_id}, which {VARIABLE} does not "
                "hold: put that key back into the list (after the newest one)."
            )
        try:
            raw = _unb64(body)
            return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise SecretKeyError(
                f"The stored value of {context} does not decrypt with key {key_id}: it was altered or copied "
                "from elsewhere."
            ) from None

    def is_current(self, stored: str) -> bool:
        """True when `stored` was encrypted with the key that encrypts now."""
        return stored.startswith(f"{SEALED_PREFIX}.{self.key_id}.")

    def seal(self, data: bytes, context: bytes) -> str:
        """`data` sealed for `context`, deterministically: the same input always gives the same text."""
        return _b64(self._keys[0].siv.encrypt(data, [context]))

    def unseal(self, sealed: str, context: bytes) -> bytes | None:
        """The data `seal` sealed for `context` under any key, or None for any other text."""
        if not sealed or len(sealed) > MAX_SEALED_CHARS or not sealed.isascii():
            return None
        try:
            raw = _unb64(sealed)
        except (binascii.Error, ValueError):
            return None
        for key in self._keys:
            try:
                return key.siv.decrypt(raw, [context])
            except (InvalidTag, ValueError):
                continue
        return None
