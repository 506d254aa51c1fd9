"""Proposals (voorstellen): the lifecycle and its permission table, supports, response deadlines,
the public board and its figures, and the school's categories, holidays and threshold settings.

A module per concern; callers use the names re-exported here (`proposals.submit(...)`):

- rules        states, labels and the permission table (pure)
- school_days  school days, deadlines, the overdue mark (pure)
- settings     categories, holidays, the support threshold
- lifecycle    submitting, every move with its timeline entry, withdrawing, the author check
- supports     supports and the threshold that sends a proposal to management
- board        the board, one proposal, figures, the feed, what staff pages show
- moderated    proposals in the moderation queue and as comment targets
- similar      public proposals that look like a new one
- desk         what management works from: waiting and answered proposals, the counters

Supports are keyed by a per-proposal pseudonym and deleted when the proposal leaves the support
phase, so afterwards nobody can tell who supported it: only the count stays.
"""

from app.services.proposals.rules import (ACTIONS, ANSWERED_STATES, BODY_MAX, CONFIRMED, DECISIONS, DEFAULT_CATEGORIES, PUBLIC_STATES, ROLES,
                                          RULES, STATE_LABELS, STATES, SUPPORT_STATES, TITLE_MAX, N_, actions_for,
                                          event_label, refusal, staff_role, targets)
from app.services.proposals.school_days import (add_school_days, is_overdue, is_school_day, school_days_between,
                                                school_year_start)
from app.services.proposals.settings import (add_category, add_holiday, audience_size, categories, holiday_ranges,
                                             holidays, remove_holiday, rename_category, support_threshold)
from app.services.proposals.lifecycle import (check_move, create, is_author, pupil_role, staff_move, submit, transition,
                                              withdraw)
from app.services.proposals.supports import apply_threshold, has_supported, save_settings, support, unsupport
from app.services.proposals.similar import similar
from app.services.proposals.board import (PAGE_SIZE, BoardPage, Figures, Item, admin_view, answered_view, board, board_view,
                                          by_state, changed_since,
                                          council_view, figures, followable, management_view, mine,
                                          open_for_support, outcomes, timeline, visible)
from app.services.proposals.moderated import comment_target, decide, pending
from app.services.proposals import desk

__all__ = [
    "ACTIONS", "ANSWERED_STATES", "BODY_MAX", "CONFIRMED", "check_move", "DECISIONS", "DEFAULT_CATEGORIES", "PUBLIC_STATES", "ROLES", "RULES", "STATE_LABELS",
    "STATES", "SUPPORT_STATES", "TITLE_MAX", "N_", "actions_for", "event_label", "refusal", "staff_role", "targets",
    "add_school_days", "is_overdue", "is_school_day", "school_days_between", "school_year_start", "add_category",
    "add_holiday", "audience_size", "categories", "holiday_ranges", "holidays", "remove_holiday",
    "rename_category", "support_threshold", "create", "is_author", "pupil_role", "staff_move", "submit",
    "transition", "withdraw", "apply_threshold", "has_supported", "save_settings", "support", "unsupport",
    "similar", "PAGE_SIZE", "BoardPage", "Figures", "Item", "admin_view", "answered_view", "board", "board_view", "by_state",
    "changed_since", "council_view",
    "figures", "followable", "management_view", "mine", "open_for_support", "outcomes", "timeline",
    "visible", "comment_target", "decide", "pending", "desk",
]
