"""The one place where domains are wired: each declares its routers, its section of the pupil
home, its links on the staff start page, what it puts in the moderation queue, what pupils can
comment on, and its demo content. `create_app` and the demo read this list.

Nothing registers itself on import: `wire()` hands the moderation service the kinds and comment
targets declared here. Imports go one way: domains -> routers -> services -> models; the demo
imports this module, never the reverse.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from fastapi import APIRouter

from app.demo import moderation as moderation_demo, proposals as proposals_demo, voting as voting_demo
from app.i18n import _
from app.routers import (access, help, live as live_router, moderation as moderation_router, proposals as proposals_router, school,
                         staff, system, voting as voting_router)
from app import timeutil
from app.services import access as access_service, audit, moderation, proposals, staff as staff_service, voting
from app.services.moderation import CommentTarget, ModeratedKind
from app.services.shared import N_

Links = Mapping[str, tuple[tuple[str, str], ...]]  # role -> (url, Dutch label to translate)


@dataclass(frozen=True)
class Counter:
    """A number on the staff start page: what waits, with a link to where it is done."""

    url: str
    label: str  # Dutch msgid, translated when the start page asks
    number: int
    alert: bool = False  # shown in red when not zero (urgent, late)


Counters = Callable[..., tuple[Counter, ...]]  # (session, staff) -> this domain's counters for that staff member


@dataclass(frozen=True)
class Domain:
    name: str
    routers: tuple[APIRouter, ...]
    home_section: Callable | None = None  # (session, participant, school) -> {"template": ..., ...}
    home_rank: int = 0  # sections show in this order on the pupil home
    staff_links: Links = field(default_factory=dict)
    staff_counters: Counters | None = None
    moderated: tuple[ModeratedKind, ...] = ()
    comment_targets: tuple[CommentTarget, ...] = ()
    demo: Callable | None = None  # (session, school, server_key) -> None
    demo_after: tuple[str, ...] = ()  # domains whose demo content this domain's builds on


# --- the counters on the staff start page, per domain ---------------------------------

def _foundation_counters(session, staff) -> tuple[Counter, ...]:
    if staff.role != "admin":
        return ()
    sheets = access_service.list_sheets(session, staff.school_id)
    accounts = [a for a in staff_service.list_staff(session, staff.school_id) if a.active]
    today = timeutil.today()
    return (Counter("/admin/codes", N_("codebladen die werken"), sum(1 for s, _g in sheets if s.revoked_at is None)),
            Counter("/admin/staff", N_("personeelsaccounts die aan staan"), len(accounts)),
            Counter("/admin/staff", N_("moeten nog hun eenmalig wachtwoord veranderen"),
                    sum(1 for a in accounts if a.must_change_password), alert=True),
            Counter(f"/admin/audit?dag={today.isoformat()}", N_("handelingen in het logboek vandaag"),
                    audit.count_on(session, staff.school_id, today)))


def _moderation_counters(session, staff) -> tuple[Counter, ...]:
    if staff.role != "council":
        return ()
    waiting = moderation.queue(session, staff.school_id)
    return (Counter("/council/moderation", N_("teksten wachten op nalezen"), len(waiting)),
            Counter("/council/moderation", N_("daarvan dringend"), sum(1 for i in waiting if i.urgent), alert=True))


def _proposal_counters(session, staff) -> tuple[Counter, ...]:
    counts = proposals.desk.counts(session, staff.school_id)
    if staff.role == "council":
        return (Counter("/council/proposals#s-published", N_("voorstellen zoeken steun: doorsturen kan"),
                        counts.get("published", 0)),
                Counter("/council/proposals#s-answered", N_("beantwoorde voorstellen: start of sluit af"),
                        counts.get("answered", 0) + counts.get("in_progress", 0)))
    if staff.role == "management":
        return (Counter("/management/proposals", N_("voorstellen wachten op je antwoord"),
                        counts.get("with_management", 0)),
                Counter("/management/proposals", N_("daarvan te laat"), counts["overdue"], alert=True))
    return ()


DOMAINS: tuple[Domain, ...] = (
    Domain("foundation", (system.router, system.api, access.router, help.router, school.router, staff.router),
           staff_links={"admin": (("/admin/groups", N_("Groepen")), ("/admin/codes", N_("Codebladen")),
                                  ("/admin/staff", N_("Personeelsaccounts")), ("/admin/help", N_("Hulplijnen")),
                                  ("/admin/audit", N_("Logboek")))},
           staff_counters=_foundation_counters),
    Domain("moderation", (moderation_router.router, moderation_router.api),
           staff_links={"admin": (("/admin/moderation", N_("Moderatie-instellingen")),),
                        "council": (("/council/moderation", N_("Moderatie")),)},
           staff_counters=_moderation_counters,
           moderated=(ModeratedKind("comment", N_("Reactie"), moderation.pending_comments,
                                    moderation.decide_comment),),
           demo=moderation_demo.load, demo_after=("proposals", "voting")),  # it comments on their items
    Domain("proposals", (proposals_router.router, proposals_router.api),
           home_section=proposals_router.home_section, home_rank=2,
           staff_links={"admin": (("/admin/proposals", N_("Voorstellen: instellingen")),),
                        "council": (("/council/proposals", N_("Voorstellen")),),
                        "management": (("/management/proposals", N_("Voorstellen beantwoorden")),
                                       ("/management/proposals/beantwoord", N_("Beantwoorde voorstellen")))},
           staff_counters=_proposal_counters,
           moderated=(ModeratedKind("proposal", N_("Voorstel"), proposals.pending, proposals.decide),),
           comment_targets=(CommentTarget("proposal", proposals.comment_target, "/voorstellen/{id}"),),
           demo=proposals_demo.load),
    Domain("voting", (voting_router.router, live_router.router, voting_router.api),
           home_section=voting_router.home_section, home_rank=1,
           staff_links={role: (("/council/voting", N_("Stellingen en peilingen")),
                               ("/staff/live", N_("Live in de klas"))) for role in ("council", "management")},
           moderated=(ModeratedKind(voting.STATEMENT, N_("Stelling"), voting.pending_statements,
                                    voting.decide_statement),),
           comment_targets=(CommentTarget(voting.STATEMENT, voting.comment_target(voting.STATEMENT), "/stellingen/{id}"),
                            CommentTarget(voting.POLL, voting.comment_target(voting.POLL), "/peilingen/{id}")),
           demo=voting_demo.load),
)


# The routers of a pupil's break (start, code, home, an item and its vote) are matched first:
# FastAPI tries the routes one after the other, twice a request, and the item pages were 80
# routes down the list. No other router has a route for a path of theirs
# (tests/architecture/test_route_order.py), so this changes what a request costs, never where it goes.
HOT_ROUTERS = (access.router, voting_router.router)


def declared_routers() -> list[APIRouter]:
    """Every router, in the order of DOMAINS."""
    return [router for domain in DOMAINS for router in domain.routers]


def routers() -> list[APIRouter]:
    """Every router, in the order they are matched: the break's first."""
    return [*HOT_ROUTERS, *(router for router in declared_routers() if router not in HOT_ROUTERS)]


def home_sections() -> list[Callable]:
    return [d.home_section for d in sorted(DOMAINS, key=lambda d: d.home_rank) if d.home_section]


def staff_links(role: str) -> list[tuple[str, str]]:
    """(url, translated label) of the pages a role works with, for the staff start page."""
    return [(url, _(label)) for domain in DOMAINS for url, label in domain.staff_links.get(role, ())]


def staff_counters(session, staff) -> list[Counter]:
    """The counters of every domain for this staff member, labels translated."""
    return [replace(c, label=_(c.label)) for domain in DOMAINS if domain.staff_counters
            for c in domain.staff_counters(session, staff)]


def demo_loaders() -> list[Callable]:
    """Each domain's demo content, after the content it builds on."""
    done: list[str] = []
    waiting = [d for d in DOMAINS if d.demo]
    while waiting:
        ready = next(d for d in waiting if all(name in done for name in d.demo_after))
        done.append(ready.name)
        waiting.remove(ready)
    by_name = {d.name: d for d in DOMAINS}
    return [by_name[name].demo for name in done]


def wire() -> None:
    """Hand the moderation service what the domains declare. Safe to call more than once."""
    for domain in DOMAINS:
        for kind in domain.moderated:
            moderation.register(kind)
        for target in domain.comment_targets:
            moderation.register_target(target)
