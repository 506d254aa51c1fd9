"""The anonymity model of DESIGN.md in code: codes, the two keys, pseudonyms and sealing.

Nothing here touches the database or HTTP. The server secret K only ever produces
values that cannot be linked to one another without the pupil's code.

Sweeping the code space offline (database and K in hand) must cost at least 100,000
core-years with 10,000 codes stored. One sweep tests every stored lookup at once, so the cost
of a first hit is (codes possible / codes stored) x (cost of one derivation):
31**13 / 10,000 x 6.4 ms (argon2id, t=2, 8 MiB, measured on a 2-core server by bench/kdf.py)
≈ 500,000 core-years. docs/anonymity.md shows the measurement.
"""

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# No 0/O, 1/I/L: pupils copy these from paper, often on a small screen.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 13  # 31**13 ≈ 2**64.4
_VALID = set(ALPHABET)

# argon2id: memory-hard, so a sweep cannot be sped up much with graphics cards. One derivation
# per code entry (a phone keeps the result in its cookie), ≈ 6 ms of CPU and 8 MiB here.
KDF_TIME_COST, KDF_MEMORY_KIB, KDF_PARALLELISM = 2, 8192, 1
# One derivation at a time per process: 8 MiB each must not add up under a burst of joins (a
# worker's peak memory counts them all). One at a time still does ~150 a second, more than the
# rest of a join lets one process serve.
_KDF_SLOTS = threading.BoundedSemaphore(1)

# Every seal has one size whatever it holds, so its length says nothing about the choice.
SEAL_PLAIN_BYTES = 240
BALLOT_PLAIN_BYTES = 480


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def codes_from_seed(seed: bytes, count: int) -> list[str]:
    """`count` distinct codes drawn from a random 32-byte seed, the same ones every time.

    A code sheet is shown after a redirect (a reload must not make a second sheet), so the page
    gets the seed in a short-lived encrypted cookie and draws the codes again; the seed is
    never stored. Each character comes from HMAC-SHA256(seed, counter) by rejection sampling
    (bytes under 248 = 8 x 31), so every character is uniform, as with generate_code."""
    if len(seed) < 32:
        raise ValueError("seed too short")
    codes: list[str] = []
    seen: set[str] = set()
    counter, pool, current = 0, b"", []
    while len(codes) < count:
        if not pool:
            pool = hmac.new(seed, counter.to_bytes(8, "big"), hashlib.sha256).digest()
            counter += 1
        byte, pool = pool[0], pool[1:]
        if byte >= 248:
            continue
        current.append(ALPHABET[byte % 31])
        if len(current) == CODE_LENGTH:
            code = "".join(current)
            current = []
            if code not in seen:
                seen.add(code)
                codes.append(code)
    return codes


def format_code(code: str) -> str:
    """Readable form for the printed slip: groups of five, four and four."""
    return f"{code[:5]}-{code[5:9]}-{code[9:]}"


def normalise_code(raw: str) -> str | None:
    """Upper-case, drop spaces and dashes; None when it cannot be a code at all."""
    code = "".join(ch for ch in raw.upper() if ch not in " -_\t\n.")
    if len(code) != CODE_LENGTH or not set(code) <= _VALID:
        return None
    return code


def _hmac(key: bytes, label: str, value: str | bytes) -> bytes:
    data = value if isinstance(value, bytes) else value.encode()
    return hmac.new(key, label.encode() + b"\x00" + data, hashlib.sha256).digest()


@dataclass(frozen=True)
class CodeKeys:
    lookup: str  # stored: finds the code's row
    secret: bytes  # never stored: the pupil's cookie holds it


def derive(server_key: bytes, code: str) -> CodeKeys:
    """Both keys of a code from one memory-hard derivation, salted with K."""
    with _KDF_SLOTS:
        master = hash_secret_raw(code.encode(), _hmac(server_key, "kdf-salt", b"inspraak")[:16],
                                 time_cost=KDF_TIME_COST, memory_cost=KDF_MEMORY_KIB,
                                 parallelism=KDF_PARALLELISM, hash_len=32, type=Type.ID)
    keyed = _hmac(server_key, "kdf-key", master)
    return CodeKeys(lookup=_hmac(keyed, "lookup", b"").hex(), secret=_hmac(keyed, "participant", b""))


def lookup_value(server_key: bytes, code: str) -> str:
    """The only trace of a code in the database: lets us check it and find its group."""
    return derive(server_key, code).lookup


def participant_secret(server_key: bytes, code: str) -> bytes:
    """Never stored: it lives only in the pupil's signed cookie. Same code, same secret."""
    return derive(server_key, code).secret


def pseudonym(secret: bytes, kind: str, item_id: int | str) -> str:
    """Per-item pseudonym: unlinkable across items without the participant secret."""
    return _hmac(secret, "pseudonym", f"{kind}:{item_id}").hex()


def author_tag(secret: bytes, nonce: str) -> str:
    """How a pupil recognises their own text: HMAC(secret, nonce); nobody else can compute it."""
    return pseudonym(secret, "author", nonce)


def tag_matches(secret: bytes, nonce: str, tag: str) -> bool:
    return bool(nonce) and hmac.compare_digest(author_tag(secret, nonce), tag or "")


def _pad(data: bytes, size: int) -> bytes:
    if len(data) > size - 2:
        raise ValueError("sealed value too large")
    return len(data).to_bytes(2, "big") + data + bytes(size - 2 - len(data))


def _unpad(data: bytes) -> bytes:
    return data[2:2 + int.from_bytes(data[:2], "big")]


def _seal_with(key: bytes, context: str, value, size: int) -> str:
    nonce = secrets.token_bytes(12)
    plain = _pad(json.dumps(value, separators=(",", ":")).encode(), size)
    return base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, plain, context.encode())).decode()


def _unseal_with(key: bytes, context: str, sealed: str):
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plain = AESGCM(key).decrypt(raw[:12], raw[12:], context.encode())
    except (InvalidTag, ValueError):
        return None
    return json.loads(_unpad(plain))


def seal(secret: bytes, kind: str, item_id: int | str, choice) -> str:
    """Encrypt a choice so only the holder of the participant secret can read it.

    The item is bound in as associated data, so a sealed choice cannot be moved to another item.
    """
    return _seal_with(_hmac(secret, "seal", "aes-256-gcm"), f"{kind}:{item_id}", choice, SEAL_PLAIN_BYTES)


def unseal(secret: bytes, kind: str, item_id: int | str, sealed: str):
    """The choice sealed by `seal`, or None when this secret cannot open it."""
    return _unseal_with(_hmac(secret, "seal", "aes-256-gcm"), f"{kind}:{item_id}", sealed)


def ballot_key(server_key: bytes) -> bytes:
    return _hmac(server_key, "ballot", "aes-256-gcm")


def seal_ballot(key: bytes, kind: str, item_id: int | str, ballot) -> str:
    """A pending ballot (a change to the tallies), readable by the server until it is counted."""
    return _seal_with(key, f"{kind}:{item_id}", ballot, BALLOT_PLAIN_BYTES)


def unseal_ballot(key: bytes, kind: str, item_id: int | str, sealed: str):
    return _unseal_with(key, f"{kind}:{item_id}", sealed)

