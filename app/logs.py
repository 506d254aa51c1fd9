"""Logs that cannot flood and cannot leak.

One filter on every handler: a warning or error of the same kind is written once per
interval, with a count of the ones held back; an error's traceback is kept but its message
is not (a database error message can hold the values of a query: pseudonyms, sealed votes).
"""

import logging
import threading
import time
import traceback

INTERVAL = 60.0
MAX_KINDS = 1000
# Loggers whose handlers get the guard: ours and asyncio propagate to the root; uvicorn's
# own loggers have their own handlers.
GUARDED = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


class LogGuard(logging.Filter):
    def __init__(self, interval: float = INTERVAL) -> None:
        super().__init__()
        self.interval = interval
        self._seen: dict[tuple, list] = {}  # kind -> [first time, held back]
        self._lock = threading.Lock()

    @staticmethod
    def kind(record: logging.LogRecord) -> tuple:
        exc = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        args = record.args if isinstance(record.args, tuple) else ()
        return record.name, record.levelno, str(record.msg)[:200], exc, tuple(str(a)[:60] for a in args)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        verdict = getattr(record, "_guard_verdict", None)
        if verdict is not None:  # the same record at another handler: same answer
            return verdict
        key = self.kind(record)
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen[0] < self.interval:
                seen[1] += 1
                record._guard_verdict = False
                return False
            if len(self._seen) >= MAX_KINDS:
                self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self.interval}
            held = seen[1] if seen else 0
            self._seen[key] = [now, 0]
        _strip_message(record, held, self.interval)
        record._guard_verdict = True
        return True


def _strip_message(record: logging.LogRecord, held: int, interval: float) -> None:
    """The traceback without the exception's message, and how many like it were held back."""
    text = record.getMessage()
    if record.exc_info and record.exc_info[0]:
        kind, _value, tb = record.exc_info
        frames = "".join(traceback.format_tb(tb)) if tb else ""
        text += f"\nTraceback (message withheld):\n{frames}{kind.__module__}.{kind.__qualname__}"
        record.exc_info, record.exc_text = None, None
    if held:
        text += f" [{held} more like this in the last {interval:.0f} s]"
    record.msg, record.args = text, None


_GUARD = LogGuard()


def install() -> LogGuard:
    """Put the guard on every handler that could write our lines (idempotent)."""
    for name in GUARDED:
        for handler in logging.getLogger(name).handlers:
            if _GUARD not in handler.filters:
                handler.addFilter(_GUARD)
    return _GUARD
