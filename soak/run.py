"""`make soak`: the long reliability checks, one line of figures each. Not part of `make test`.

    .venv/bin/python soak/run.py [CHECK ...] [--doc]

Checks: crash, crash-pg, race, race-sqlite, outage, redis-down, slow-clients, burst-1, burst-2,
burst-4 (all by default). Each starts its own server (and, for outage and redis-down, its own
PostgreSQL or Redis) on 127.0.0.1 and stops by itself within a few minutes. --doc writes the
lines into docs/reliability.md. Exits 1 when a check fails.
"""

import argparse
import signal
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

from burst import burst
from crash import crash, outage
from limits import race, redis_down, slow_clients

CHECKS = {
    "crash": lambda: crash("sqlite"),
    "crash-pg": lambda: crash("postgresql"),
    "race": lambda: race("postgresql"),
    "race-sqlite": lambda: race("sqlite"),
    "outage": outage,
    "redis-down": redis_down,
    "slow-clients": slow_clients,
    "burst-1": lambda: burst(1),
    "burst-2": lambda: burst(2),
    "burst-4": lambda: burst(4),
}
TIME_LIMIT = 300  # seconds per check
DOC = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"


def _timeout(_signum, _frame):
    raise TimeoutError(f"took longer than {TIME_LIMIT} s")


def write_doc(lines: list[str]) -> None:
    start, end = "<!-- soak:start -->", "<!-- soak:end -->"
    text = DOC.read_text()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    block = f"{start}\nMeasured {stamp} on this project's 2-core machine (`make soak`):\n\n```\n" + \
        "\n".join(lines) + f"\n```\n{end}"
    DOC.write_text(text[:text.index(start)] + block + text[text.index(end) + len(end):])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("checks", nargs="*", metavar="CHECK", help=", ".join(CHECKS))
    parser.add_argument("--doc", action="store_true")
    args = parser.parse_args()
    unknown = set(args.checks) - set(CHECKS)
    if unknown:
        parser.error(f"unknown check: {', '.join(sorted(unknown))}")
    signal.signal(signal.SIGALRM, _timeout)
    lines, failed = [], 0
    for name in args.checks or list(CHECKS):
        started = time.monotonic()
        signal.alarm(TIME_LIMIT)
        try:
            result = CHECKS[name]()
            line = f"{'ok  ' if result['ok'] else 'FAIL'} {result['line']} [{time.monotonic() - started:.0f} s]"
            failed += not result["ok"]
        except Exception as error:  # noqa: BLE001 (one broken check must not hide the others)
            traceback.print_exc()
            line = f"FAIL {name}: {type(error).__name__}: {error}"
            failed += 1
        finally:
            signal.alarm(0)
        print(line, flush=True)
        lines.append(line)
    if args.doc:
        write_doc(lines)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
