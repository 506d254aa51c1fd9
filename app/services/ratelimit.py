"""Short-lived counters for rate limits. Nothing here is ever written to the database.

Keys are hashed before use, so even the counters never hold a client address or a code.
With INSPRAAK_REDIS_URL set, counters live in Redis (with expiry) and are shared by all
worker processes; otherwise they live in this process's memory. When Redis cannot be reached,
counting falls back to this process's memory (limits per worker instead of shared) rather
than locking everyone out, and Redis is tried again after a short pause.

Code and login limits count failures only (`Rule`, `allowed_all`, `count_failure`): a wrong
code or password costs a try, a right one costs nothing, so a whole class behind one address
gets in, while guessing stays bounded.
"""

import hashlib
import logging
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("inspraak.ratelimit")
REDIS_RETRY = 5.0  # seconds between attempts to reach Redis again after a failure


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

        # Short timeouts: a Redis that hangs must not hold up a pupil's request.
        self._redis = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self._errors = (redis.RedisError, OSError)
        self._fallback = MemoryLimiter()
        self._down_until = 0.0

    def _either(self, shared, local, *args):
        """Redis while it answers; this process's counters while it does not."""
        if time.monotonic() >= self._down_until:
            try:
                return shared(*args)
            except self._errors as error:
                self._down_until = time.monotonic() + REDIS_RETRY
                # The log guard (app.logs) keeps this to one line per interval.
                log.warning("Redis unavailable (%s): rate limits count per process", type(error).__name__)
        return local(*args)

    def hit(self, scope: str, subject: str, limit: int, window: int) -> bool:
        return self._either(self._shared_hit, self._fallback.hit, scope, subject, limit, window)

    def allowed(self, scope: str, subject: str, limit: int) -> bool:
        return self._either(self._shared_allowed, self._fallback.allowed, scope, subject, limit)

    def _shared_hit(self, scope: str, subject: str, limit: int, window: int) -> bool:
        key = "inspraak:rl:" + _key(scope, subject)
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window, nx=True)
        count, _ = pipe.execute()
        return count <= limit

    def _shared_allowed(self, scope: str, subject: str, limit: int) -> bool:
        count = self._redis.get("inspraak:rl:" + _key(scope, subject))
        return count is None or int(count) < limit


    def reset(self) -> None:
        self._fallback.reset()
        try:
            for key in self._redis.scan_iter("inspraak:rl:*"):
                self._redis.delete(key)
        except self._errors:
            pass


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
