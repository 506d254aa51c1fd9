"""Short-lived counters for rate limits. Nothing here is ever written to the database.

Keys are hashed before use, so even the counters never hold a client address or a code.
With INSPRAAK_REDIS_URL set, counters live in Redis (with expiry) and are shared by all
worker processes; otherwise they live in this process's memory.

Code and login limits count failures only (`Rule`, `allowed_all`, `count_failure`): a wrong
code or password costs a try, a right one costs nothing, so a whole class behind one address
gets in, while guessing stays bounded.
"""

import hashlib
import threading
import time
from dataclasses import dataclass


def _key(scope: str, subject: str) -> str:
    return hashlib.sha256(f"{scope}\x00{subject}".encode()).hexdigest()[:32]


class MemoryLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def hit(self, scope: str, subject: str, limit: int, window: int) -> bool:
        """Count one attempt; False when the limit for this window is already reached."""
        now = time.monotonic()
        key = _key(scope, subject)
        with self._lock:
            if len(self._hits) > 50_000:  # forget expired counters; bounded memory
                self._hits = {k: v for k, v in self._hits.items() if v[0] > now}
            expires, count = self._hits.get(key, (0.0, 0))
            if expires <= now:
                expires, count = now + window, 0
            if count >= limit:
                return False
            self._hits[key] = (expires, count + 1)
            return True

    def allowed(self, scope: str, subject: str, limit: int) -> bool:
        """True while fewer than `limit` attempts were counted in the current window (counts nothing)."""
        with self._lock:
            expires, count = self._hits.get(_key(scope, subject), (0.0, 0))
            return expires <= time.monotonic() or count < limit

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class RedisLimiter:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def hit(self, scope: str, subject: str, limit: int, window: int) -> bool:
        key = "inspraak:rl:" + _key(scope, subject)
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        count, _ = pipe.execute()
        return count <= limit

    def allowed(self, scope: str, subject: str, limit: int) -> bool:
        count = self._redis.get("inspraak:rl:" + _key(scope, subject))
        return count is None or int(count) < limit

    def reset(self) -> None:
        for key in self._redis.scan_iter("inspraak:rl:*"):
            self._redis.delete(key)


def make_limiter(redis_url: str = ""):
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()


@dataclass(frozen=True)
class Rule:
    """At most `limit` failures per `window` seconds for one subject (an address, an account, '*')."""

    scope: str
    subject: str
    limit: int
    window: int


def allowed_all(limiter, rules: list[Rule]) -> bool:
    return all(limiter.allowed(r.scope, r.subject, r.limit) for r in rules)


def count_failure(limiter, rules: list[Rule]) -> None:
    for r in rules:
        limiter.hit(r.scope, r.subject, r.limit, r.window)
