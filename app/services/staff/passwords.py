"""Staff passwords: the policy (long, hard to guess, not like the username), argon2 hashes and
one-time passwords for an admin's reset.

Strength is judged by zxcvbn (Dropbox's estimator: dictionaries, keyboard patterns, dates,
repeats, and the account's own names), not by a list typed in by hand.
"""

import difflib
import functools
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.i18n import _
from app.services.errors import DomainError

MIN_LENGTH, MAX_LENGTH = 12, 72  # zxcvbn judges at most 72 characters
MIN_SCORE = 3  # zxcvbn: "safely unguessable", about 10^8 guesses or more
ONE_TIME_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no look-alikes: it is read off a screen

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this keeps a wrong username as slow as a wrong password. Made at the
    first sign-in, not at import: one hash takes 64 MiB for a moment, which every worker then
    kept as its peak memory though pupils never sign in this way."""
    return _hasher.hash("not a real password")


def _names(username: str, display_name: str) -> list[str]:
    parts = re.split(r"[\s._-]+", f"{username} {display_name}".casefold())
    return [p for p in {username.casefold(), display_name.casefold(), *parts} if len(p) >= 3]


def check(password: str, username: str, display_name: str = "") -> None:
    """Refuse a password that is short, common, or close to the account's own names."""
    if len(password) < MIN_LENGTH:
        raise DomainError(_("Een wachtwoord heeft minstens {n} tekens.").format(n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise DomainError(_("Een wachtwoord heeft hoogstens {n} tekens.").format(n=MAX_LENGTH))
    from zxcvbn import zxcvbn  # here, not at the top: its word lists take 14 MB, and pupils never need them

    names = _names(username, display_name)
    plain = re.sub(r"[\W_]+", "", password.casefold())
    result = zxcvbn(password, user_inputs=names)
    uses_name = any(m.get("dictionary_name") == "user_inputs" for m in result["sequence"])
    if any(difflib.SequenceMatcher(None, plain, n).ratio() >= 0.6 for n in names) or (
            uses_name and result["score"] < MIN_SCORE):
        raise DomainError(_("Dit wachtwoord lijkt te veel op de gebruikersnaam. Kies iets anders."))
    if result["score"] < MIN_SCORE:
        raise DomainError(_("Dit wachtwoord is te makkelijk te raden. Kies een langer wachtwoord, "
                            "bijvoorbeeld vier woorden die niet bij elkaar horen."))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always as slow as a real check."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password or "-") and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def one_time() -> str:
    """A password for an admin's reset: 16 characters (about 79 bits), in groups of four."""
    raw = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))
