"""What sweeping the code space costs, measured here: the argon2id derivation behind every code.

With the database and the server secret K, an attacker derives the lookup of each candidate
code and compares it with every stored lookup at once. The expected work for a first hit is
(possible codes / stored codes) derivations. Prints the measured cost of one derivation and the
resulting core-years for 10,000 stored codes.

    .venv/bin/python bench/kdf.py
"""

import hashlib
import hmac
import time

from app.services import anonymity

STORED = 10_000
YEAR = 365.25 * 24 * 3600


def per_second(fn, n: int) -> float:
    start = time.process_time()
    for i in range(n):
        fn(i)
    return n / (time.process_time() - start)


def main() -> None:
    key = b"k" * 48
    rate = per_second(lambda i: anonymity.derive(key, f"{i:013d}"), 400)
    space = len(anonymity.ALPHABET) ** anonymity.CODE_LENGTH
    guesses = space / (STORED + 1)
    years = guesses / rate / YEAR
    hmac_rate = per_second(lambda i: hmac.new(key, b"lookup\x00%013d" % i, hashlib.sha256).digest(), 200_000)
    print(f"argon2id (t={anonymity.KDF_TIME_COST}, m={anonymity.KDF_MEMORY_KIB // 1024} MiB, p=1): "
          f"{1000 / rate:.2f} ms per derivation, {rate:.0f}/s per core")
    print(f"code space: {len(anonymity.ALPHABET)}^{anonymity.CODE_LENGTH} = {space:.3g}; "
          f"{STORED} stored codes: {guesses:.3g} derivations for a first hit")
    print(f"cost of a first hit: {years:,.0f} core-years (budget: at least 100,000)")
    print(f"for comparison, a plain HMAC-SHA-256 lookup in Python: {hmac_rate:,.0f}/s per core "
          f"({guesses / hmac_rate / YEAR:,.0f} core-years)")


if __name__ == "__main__":
    main()
