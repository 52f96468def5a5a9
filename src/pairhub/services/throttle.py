"""Failed sign-ins counted per account and per client address, in this process's memory."""

from __future__ import annotations

import math
import threading

from pairhub.domain.throttle import (
    ACCOUNT_RULE,
    ADDRESS_RULE,
    Strikes,
    ThrottleRule,
    on_failure,
    retry_after_ms,
)
from pairhub.ports import Clock

MAX_TRACKED = 50_000
"""Beyond this many accounts and addresses, those not locked are forgotten (memory stays bounded)."""


class SignInThrottle:
    """Decides whether a sign-in may be tried now, and counts the failures."""

    def __init__(
        self,
        clock: Clock,
        account_rule: ThrottleRule = ACCOUNT_RULE,
        address_rule: ThrottleRule = ADDRESS_RULE,
    ) -> None:
        self._clock = clock
        self._rules = {"account": account_rule, "address": address_rule}
        self._strikes: dict[tuple[str, str], Strikes] = {}
        self._lock = threading.Lock()

    def retry_after_s(self, account: str, address: str) -> int | None:
        """Seconds until this account may try again from this address, or None when it may now."""
        now = self._clock.now_ms()
        with self._lock:
            waits = [
                retry_after_ms(self._strikes.get(k, Strikes()), now) for k in self._keys(account, address)
            ]
        longest = max(waits)
        return math.ceil(longest / 1000) if longest > 0 else None

    def failed(self, account: str, address: str) -> None:
        """Count a failed sign-in against the account and the address."""
        now = self._clock.now_ms()
        with self._lock:
            if len(self._strikes) > MAX_TRACKED:
                self._forget_unlocked(now)
            for key in self._keys(account, address):
                self._strikes[key] = on_failure(self._strikes.get(key, Strikes()), self._rules[key[0]], now)

    def succeeded(self, account: str) -> None:
        """The account's own failures are forgiven once its password is given right."""
        with self._lock:
            self._strikes.pop(("account", account), None)

    @staticmethod
    def _keys(account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return ("account", account), ("address", address)

    def _forget_unlocked(self, now: int) -> None:
        self._strikes = {k: s for k, s in self._strikes.items() if retry_after_ms(s, now) > 0}
