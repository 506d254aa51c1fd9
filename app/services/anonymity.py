"""The anonymity model of DESIGN.md in code: codes, the two keys, pseudonyms and sealing.

Nothing here touches the database or HTTP. The server secret K only ever produces
values that cannot be linked to one another without the pupil's code.
"""

import base64
import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# No 0/O, 1/I/L: pupils copy these from paper, often on a small screen.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 2**49.5, comfortably above the required 40 bits
_VALID = set(ALPHABET)


def generate_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """Readable form for the printed slip: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(raw: str) -> str | None:
    """Upper-case, drop spaces and dashes; None when it cannot be a code at all."""
    code = "".join(ch for ch in raw.upper() if ch not in " -_\t\n.")
    if len(code) != CODE_LENGTH or not set(code) <= _VALID:
        return None
    return code


def _hmac(key: bytes, label: str, value: str) -> bytes:
    return hmac.new(key, f"{label}\x00{value}".encode(), hashlib.sha256).digest()


def lookup_value(server_key: bytes, code: str) -> str:
    """The only trace of a code in the database: lets us check it and find its group."""
    return _hmac(server_key, "lookup", code).hex()


def participant_secret(server_key: bytes, code: str) -> bytes:
    """Never stored: it lives only in the pupil's signed cookie. Same code, same secret."""
    return _hmac(server_key, "participant", code)


def pseudonym(secret: bytes, kind: str, item_id: int | str) -> str:
    """Per-item pseudonym: unlinkable across items without the participant secret."""
    return _hmac(secret, "pseudonym", f"{kind}:{item_id}").hex()


def _seal_key(secret: bytes) -> bytes:
    return _hmac(secret, "seal", "aes-256-gcm")


def seal(secret: bytes, kind: str, item_id: int | str, choice) -> str:
    """Encrypt a choice so only the holder of the participant secret can read it.

    The item is bound in as associated data, so a sealed choice cannot be moved to another item.
    """
    nonce = secrets.token_bytes(12)
    data = json.dumps(choice, separators=(",", ":")).encode()
    box = AESGCM(_seal_key(secret)).encrypt(nonce, data, f"{kind}:{item_id}".encode())
    return base64.urlsafe_b64encode(nonce + box).decode()


def unseal(secret: bytes, kind: str, item_id: int | str, sealed: str):
    """The choice sealed by `seal`, or None when this secret cannot open it."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        plain = AESGCM(_seal_key(secret)).decrypt(raw[:12], raw[12:], f"{kind}:{item_id}".encode())
    except (InvalidTag, ValueError):
        return None
    return json.loads(plain)
