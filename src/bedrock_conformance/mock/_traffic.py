"""Traffic shaping on purpose: a token bucket per access key, and seeded fault injection."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping

from .._schemas import contract


class RateLimiter:
    """A token bucket per access key: ``rate`` tokens a second, bursts of up to one second's worth."""

    def __init__(self, rate: float) -> None:
        if not rate > 0:
            raise ValueError(f"rate limit must be a positive number of requests per second, not {rate!r}")
        self._rate = float(rate)
        self._capacity = max(1.0, self._rate)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(key, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - then) * self._rate)
            allowed = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if allowed else tokens, now)
        return allowed


class FaultInjector:
    """Answers a modelled error with a fixed probability each; one seeded draw per request, so runs repeat."""

    def __init__(self, faults: Mapping[str, float], seed: int) -> None:
        known = contract().errors
        total = 0.0
        for name, probability in faults.items():
            if name not in known:
                raise ValueError(f"fault {name!r} is not a modelled error (one of {', '.join(sorted(known))})")
            if not 0.0 <= probability <= 1.0:
                raise ValueError(f"fault {name}={probability!r}: the probability must be between 0 and 1")
            total += probability
        if total > 1.0 + 1e-9:
            raise ValueError(f"fault probabilities add up to {total:g}, more than 1")
        self._faults = [(name, float(p)) for name, p in faults.items() if p > 0]
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """The error to inject into this request, if any."""
        if not self._faults:
            return None
        with self._lock:
            roll = self._random.random()
        for name, probability in self._faults:
            if roll < probability:
                return name
            roll -= probability
        return None
