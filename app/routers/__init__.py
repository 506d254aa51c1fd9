"""All routers, in the order they are matched, and the sections of the pupil home page."""

from app.routers import access, help, moderation, proposals, school, staff, system, voting

ROUTERS = [system.router, system.api, access.router, help.router, school.router, staff.router,
           moderation.router, moderation.api, proposals.router, proposals.api,
           voting.router, voting.api]


def home_sections():
    """Each domain adds one callable (session, participant, school) -> {"template": ..., ...}."""
    from app.services import voting as voting_service

    return [voting_service.home_section, proposals.home_section]


def staff_links(role: str) -> list[tuple[str, str]]:
    """(url, Dutch label) of the pages a role works with, for the staff start page."""
    from app.i18n import _

    links = {
        "admin": [("/admin/groups", _("Groepen")), ("/admin/codes", _("Codebladen")),
                  ("/admin/staff", _("Personeelsaccounts")), ("/admin/help", _("Hulplijnen")),
                  ("/admin/audit", _("Logboek")), ("/admin/moderatie", _("Moderatie-instellingen")),
                  ("/admin/proposals", _("Voorstellen: instellingen"))],
        "council": [("/moderatie", _("Moderatie")), ("/council/proposals", _("Voorstellen")),
                    ("/council/voting", _("Stellingen en peilingen")), ("/staff/live", _("Live in de klas"))],
        "management": [("/management/proposals", _("Voorstellen beantwoorden")),
                       ("/council/voting", _("Stellingen en peilingen")), ("/staff/live", _("Live in de klas"))],
    }
    return links.get(role, [])
