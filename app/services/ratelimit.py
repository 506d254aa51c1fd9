"""Short-lived counters for rate limits. Nothing here is ever written to the database.

Keys are hashed before use, so even the counters never hold a client address or a code.
With INSPRAAK_REDIS_URL set, counters live in Redis (with expiry) and are shared by all
worker processes; otherwise they live in this process's memory.
"""

import hashlib
import threading
import time


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

    def reset(self) -> None:
        for key in self._redis.scan_iter("inspraak:rl:*"):
            self._redis.delete(key)


def make_limiter(redis_url: str = ""):
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()
