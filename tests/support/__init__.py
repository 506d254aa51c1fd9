"""Helpers and fixtures the tests share, a module per domain: `from support.voting import ...`.

A test module imports the fixtures it uses from here (pytest finds fixtures imported into the
module); the general ones (app, session, clients) are in tests/conftest.py."""

from app.models import School


def set_school(session, school_id: int, **values) -> School:
    """Change school settings directly, as an admin would, and commit."""
    school = session.get(School, school_id)
    for key, value in values.items():
        setattr(school, key, value)
    session.add(school)
    session.commit()
    return school
