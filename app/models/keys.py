"""Keys for rows that pupils' actions create: random, so a key never tells which came first."""

import secrets


def random_id() -> int:
    """An integer id that fits PostgreSQL's INTEGER and says nothing about when the row was made."""
    return secrets.randbelow(2**31 - 2) + 1


def random_key() -> str:
    return secrets.token_hex(16)
