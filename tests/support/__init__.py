"""Helpers and fixtures the tests share, a module per domain: `from support.voting import ...`.

A test module imports the fixtures it uses from here (pytest finds fixtures imported into the
module); the general ones (app, session, clients) are in tests/conftest.py."""
