"""The proposal lifecycle as data: its states and labels, and the permission table saying who may
make which move from which state. Pure: no database."""

from dataclasses import dataclass

from app.i18n import _
from app.models import Staff
from app.models.proposals import ProposalEvent
from app.services.shared import N_


TITLE_MAX, BODY_MAX, TEXT_MAX = 120, 2000, 2000
CATEGORY_MAX, HOLIDAY_LABEL_MAX = 60, 100
DEFAULT_CATEGORIES = ("Te laat komen", "Schoolregels", "Uitstappen", "Lokalen en speelplaats", "Lessenrooster",
                      "Welzijn", "Andere")

STATES = ("submitted", "published", "with_management", "answered", "in_progress", "done", "not_done",
          "rejected_by_moderation", "withdrawn")
STATE_LABELS = {
    "submitted": N_("Wordt nagelezen"),
    "published": N_("Zoekt steun"),
    "with_management": N_("Bij de directie"),
    "answered": N_("Beantwoord"),
    "in_progress": N_("Wordt uitgevoerd"),
    "done": N_("Gedaan"),
    "not_done": N_("Niet gedaan"),
    "rejected_by_moderation": N_("Niet gepubliceerd"),
    "withdrawn": N_("Ingetrokken"),
}
# Everyone may see these; a submitted, rejected or withdrawn proposal is seen only by its author and staff.
PUBLIC_STATES = ("published", "with_management", "answered", "in_progress", "done", "not_done")
# Pupils may add or take back a support only in these states.
SUPPORT_STATES = ("published", "with_management")
# How long a published proposal looks for support, in school days (its `support_until`).
SUPPORT_SCHOOL_DAYS = 20

DECISIONS = {"accepted": N_("Aanvaard"), "partly": N_("Deels aanvaard"), "declined": N_("Niet aanvaard")}
# Why a proposal was not published: the shared moderation.REJECT_REASONS, so one queue fits all.

# Who may make which move, read as: in state FROM, ROLE may do ACTION, and the proposal goes to TO.
# Nothing else is allowed. Roles: the pupil who wrote it ("pupil_author"), any other pupil ("pupil"),
# the student council, management, and the system itself (the support threshold).


@dataclass(frozen=True)
class Rule:
    from_state: str
    action: str
    role: str
    to_state: str


RULES: tuple[Rule, ...] = (
    Rule("submitted", "approve", "council", "published"),
    Rule("submitted", "reject", "council", "rejected_by_moderation"),
    Rule("published", "forward", "council", "with_management"),
    Rule("published", "threshold", "system", "with_management"),
    Rule("with_management", "answer", "management", "answered"),
    # Management may ask once for more time, with a new public date (checked in the lifecycle).
    Rule("with_management", "extend", "management", "with_management"),
    # A published answer may be corrected; the old text stays on the timeline, marked corrected.
    Rule("answered", "correct", "management", "answered"),
    Rule("in_progress", "correct", "management", "in_progress"),
    Rule("done", "correct", "management", "done"),
    Rule("not_done", "correct", "management", "not_done"),
    Rule("answered", "start", "council", "in_progress"),
    Rule("in_progress", "update", "council", "in_progress"),
    Rule("answered", "close", "council", "done"),
    Rule("answered", "close", "council", "not_done"),
    Rule("in_progress", "close", "council", "done"),
    Rule("in_progress", "close", "council", "not_done"),
    Rule("submitted", "withdraw", "pupil_author", "withdrawn"),
    Rule("published", "withdraw", "pupil_author", "withdrawn"),
)
ROLES = ("pupil_author", "pupil", "council", "management")
ACTIONS = ("approve", "reject", "forward", "answer", "extend", "correct", "start", "update", "close", "withdraw")
# Moves that pupils feel at once or that cannot be taken back: staff confirm them on a page first.
CONFIRMED = ("reject", "answer", "correct", "extend", "close")
# The states in which a proposal has a published answer of management.
ANSWERED_STATES = ("answered", "in_progress", "done", "not_done")

ROLE_LABELS = {"pupil_author": N_("de indiener"), "pupil": N_("een leerling"), "council": N_("de leerlingenraad"),
               "management": N_("de directie"), "system": N_("het systeem")}
ACTION_VERBS = {
    "approve": N_("publiceren"), "reject": N_("weigeren"), "forward": N_("doorsturen naar de directie"),
    "threshold": N_("doorsturen naar de directie"), "answer": N_("beantwoorden"),
    "extend": N_("uitstellen"), "correct": N_("verbeteren"), "start": N_("starten"),
    "update": N_("nieuws geven"), "close": N_("afsluiten"), "withdraw": N_("intrekken"),
}
# What a timeline entry says happened.
EVENT_LABELS = {
    "submit": N_("Ingediend door een leerling"),
    "approve": N_("Nagelezen en gepubliceerd door de leerlingenraad"),
    "reject": N_("Niet gepubliceerd door de leerlingenraad"),
    "forward": N_("Doorgestuurd naar de directie door de leerlingenraad"),
    "threshold": N_("Genoeg steun: doorgestuurd naar de directie"),
    "answer": N_("Antwoord van de directie"),
    "extend": N_("De directie vraagt meer tijd"),
    "correct": N_("Verbeterd antwoord van de directie"),
    "start": N_("De uitvoering is gestart"),
    "update": N_("Nieuws over de uitvoering"),
    "close": N_("Afgesloten"),
    "withdraw": N_("Ingetrokken door de indiener"),
}
CLOSE_LABELS = {"done": N_("Afgesloten: gedaan"), "not_done": N_("Afgesloten: niet gedaan")}


def event_label(event: ProposalEvent) -> str:
    """The Dutch msgid saying what a timeline entry is (translate when shown)."""
    if event.action == "close":
        return CLOSE_LABELS.get(event.to_state, EVENT_LABELS["close"])
    return EVENT_LABELS.get(event.action, event.action)


ACTOR_OF_ROLE = {"pupil_author": "pupil", "pupil": "pupil", "council": "council", "management": "management",
                 "system": "system"}


def targets(from_state: str, action: str, role: str) -> list[str]:
    """The states this move may lead to; empty when the move is not allowed."""
    return [r.to_state for r in RULES if (r.from_state, r.action, r.role) == (from_state, action, role)]


def actions_for(state: str, role: str) -> list[str]:
    """The moves a role may make on a proposal in this state, in table order, each once."""
    return list(dict.fromkeys(r.action for r in RULES if r.from_state == state and r.role == role))


def refusal(state: str, action: str, role: str) -> str:
    """A clear Dutch reason why a move is refused."""
    verb = _(ACTION_VERBS.get(action, action))
    allowed = list(dict.fromkeys(r.role for r in RULES if r.from_state == state and r.action == action))
    if allowed and role not in allowed:
        who = " / ".join(_(ROLE_LABELS[r]) for r in allowed)
        return _("Dat mag je niet. Alleen {who} kan dit voorstel nu {verb}.").format(who=who, verb=verb)
    return _("Dat kan niet. Een voorstel met de status “{state}” kan je niet {verb}.").format(
        state=_(STATE_LABELS.get(state, state)), verb=verb)


def staff_role(staff: Staff) -> str:
    """The role a staff account plays in the permission table (admins have none)."""
    return staff.role if staff.role in ("council", "management") else "admin"
