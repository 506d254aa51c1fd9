"""All routers, in the order they are matched, and the sections of the pupil home page."""

from app.routers import access, help, moderation, school, staff, system

ROUTERS = [system.router, system.api, access.router, help.router, school.router, staff.router,
           moderation.router, moderation.api]


def home_sections():
    """Each domain adds one callable (session, participant, school) -> {"template": ..., ...}."""
    return []


def staff_links(role: str) -> list[tuple[str, str]]:
    """(url, Dutch label) of the pages a role works with, for the staff start page."""
    from app.i18n import _

    links = {
        "admin": [("/admin/groups", _("Groepen")), ("/admin/codes", _("Codebladen")),
                  ("/admin/staff", _("Personeelsaccounts")), ("/admin/help", _("Hulplijnen")),
                  ("/admin/audit", _("Logboek")), ("/admin/moderatie", _("Moderatie-instellingen"))],
        "council": [("/moderatie", _("Moderatie"))],
        "management": [],
    }
    return links.get(role, [])
