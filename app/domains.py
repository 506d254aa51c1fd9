"""The one place where domains are wired: each declares its routers, its section of the pupil
home, its links on the staff start page, what it puts in the moderation queue, what pupils can
comment on, and its demo content. `create_app` and the demo read this list.

Nothing registers itself on import: `wire()` hands the moderation service the kinds and comment
targets declared here. Imports go one way: domains -> routers -> services -> models; the demo
imports this module, never the reverse.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fastapi import APIRouter

from app.demo import moderation as moderation_demo, proposals as proposals_demo, voting as voting_demo
from app.i18n import _
from app.routers import (access, help, moderation as moderation_router, proposals as proposals_router, school,
                         staff, system, voting as voting_router)
from app.services import moderation, proposals, voting
from app.services.moderation import CommentTarget, ModeratedKind
from app.services.shared import N_

Links = Mapping[str, tuple[tuple[str, str], ...]]  # role -> (url, Dutch label to translate)


@dataclass(frozen=True)
class Domain:
    name: str
    routers: tuple[APIRouter, ...]
    home_section: Callable | None = None  # (session, participant, school) -> {"template": ..., ...}
    home_rank: int = 0  # sections show in this order on the pupil home
    staff_links: Links = field(default_factory=dict)
    moderated: tuple[ModeratedKind, ...] = ()
    comment_targets: tuple[CommentTarget, ...] = ()
    demo: Callable | None = None  # (session, school, server_key) -> None
    demo_after: tuple[str, ...] = ()  # domains whose demo content this domain's builds on


DOMAINS: tuple[Domain, ...] = (
    Domain("foundation", (system.router, system.api, access.router, help.router, school.router, staff.router),
           staff_links={"admin": (("/admin/groups", N_("Groepen")), ("/admin/codes", N_("Codebladen")),
                                  ("/admin/staff", N_("Personeelsaccounts")), ("/admin/help", N_("Hulplijnen")),
                                  ("/admin/audit", N_("Logboek")))}),
    Domain("moderation", (moderation_router.router, moderation_router.api),
           staff_links={"admin": (("/admin/moderation", N_("Moderatie-instellingen")),),
                        "council": (("/council/moderation", N_("Moderatie")),)},
           moderated=(ModeratedKind("comment", N_("Reactie"), moderation.pending_comments,
                                    moderation.decide_comment),),
           demo=moderation_demo.load, demo_after=("proposals", "voting")),  # it comments on their items
    Domain("proposals", (proposals_router.router, proposals_router.api),
           home_section=proposals_router.home_section, home_rank=2,
           staff_links={"admin": (("/admin/proposals", N_("Voorstellen: instellingen")),),
                        "council": (("/council/proposals", N_("Voorstellen")),),
                        "management": (("/management/proposals", N_("Voorstellen beantwoorden")),)},
           moderated=(ModeratedKind("proposal", N_("Voorstel"), proposals.pending, proposals.decide),),
           comment_targets=(CommentTarget("proposal", proposals.comment_target, "/voorstellen/{id}"),),
           demo=proposals_demo.load),
    Domain("voting", (voting_router.router, voting_router.api),
           home_section=voting_router.home_section, home_rank=1,
           staff_links={role: (("/council/voting", N_("Stellingen en peilingen")),
                               ("/staff/live", N_("Live in de klas"))) for role in ("council", "management")},
           moderated=(ModeratedKind(voting.STATEMENT, N_("Stelling"), voting.pending_statements,
                                    voting.decide_statement),),
           comment_targets=(CommentTarget(voting.STATEMENT, voting.comment_target(voting.STATEMENT), "/stellingen/{id}"),
                            CommentTarget(voting.POLL, voting.comment_target(voting.POLL), "/peilingen/{id}")),
           demo=voting_demo.load),
)


def routers() -> list[APIRouter]:
    """Every router, in the order they are matched."""
    return [router for domain in DOMAINS for router in domain.routers]


def home_sections() -> list[Callable]:
    return [d.home_section for d in sorted(DOMAINS, key=lambda d: d.home_rank) if d.home_section]


def staff_links(role: str) -> list[tuple[str, str]]:
    """(url, translated label) of the pages a role works with, for the staff start page."""
    return [(url, _(label)) for domain in DOMAINS for url, label in domain.staff_links.get(role, ())]


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
