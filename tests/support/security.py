"""Helpers for the security tests: named staff accounts, a browser at another network address,
signing in."""

from sqlmodel import Session

from app.models import School, Staff
from app.services import staff as staff_service
from conftest import STAFF_PASSWORD, Client


def add_staff(session: Session, school: School, username: str, role: str = "council") -> Staff:
    staff = staff_service.create_staff(session, school.id, username, role, STAFF_PASSWORD)
    session.commit()
    return staff


def from_address(app, address: str) -> Client:
    """A browser at another network address (a school's router, a phone on mobile data)."""
    return Client(app, client=(address, 50000))


def login(client: Client, username: str, password: str = STAFF_PASSWORD, **kwargs):
    return client.form("/staff/login", {"username": username, "password": password}, follow_redirects=False,
                       **kwargs)
