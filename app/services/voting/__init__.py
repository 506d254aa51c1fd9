"""Statements and polls: audiences, one vote per participant (the ballot box of DESIGN.md),
k-anonymous results with a consensus score, closing and erasing, and live classroom sessions.

A module per concern; callers use the names re-exported here (`voting.vote_poll(...)`):

- common            kinds, answers, limits, the item clock, loading an item
- audience          groups and audiences, the item as a pupil may see it
- items             the council creates and closes statements and polls
- pupil_statements  statements pupils write, and their moderation
- ballot_box        has-voted rows and tallies: casting a vote, forgetting voters at close
- votes             a pupil's vote: checks, then the ballot box
- results           k-anonymous results (pure), read from the tallies
- views             what pupils and staff see
- live              live classroom sessions
"""

from app.services.shared import local_input, local_text, parse_local  # Belgian times, as voting's forms use them
from app.services.voting.common import (ANSWER_LABELS, ANSWERS, MODELS, POLL, POLL_KINDS, RESULTS_WHEN, STATEMENT,
                                        SUPPRESSED, TEXT_MAX, VOTERS, WHOLE_SCHOOL, is_closed, is_open, k_of,
                                        poll_options, text_key)
from app.services.voting.audience import audience_names
from app.services.voting.items import ItemForm, close_due, close_now, create_poll, create_statement, form_choices
from app.services.voting.pupil_statements import (STATUS_LABELS, decide_statement, my_statements,
                                                  pending_statements, submit_statement)
from app.services.voting.results import Breakdown, Cell, Results, build_results, results, suppress
from app.services.voting.views import (ItemView, StaffView, closed_for, comment_target, next_statement, open_for, pupil_item,
                                       pupil_results, results_csv, staff_item, staff_overview)
from app.services.voting.votes import vote_poll, vote_statement
from app.services.voting.live import (LiveView, end_live, item_url, live_choices, live_item, live_view,
                                      normalise_join_code, push_live, running, start_live)

__all__ = [
    "ANSWER_LABELS", "ANSWERS", "MODELS", "POLL", "POLL_KINDS", "RESULTS_WHEN", "STATEMENT", "SUPPRESSED",
    "TEXT_MAX", "VOTERS", "WHOLE_SCHOOL", "is_closed", "is_open", "k_of", "poll_options", "local_input", "local_text", "parse_local", "text_key", "audience_names", "ItemForm", "close_due", "close_now",
    "create_poll", "create_statement", "form_choices", "STATUS_LABELS", "decide_statement", "my_statements",
    "pending_statements", "submit_statement", "Breakdown", "Cell", "Results", "build_results", "results",
    "suppress", "ItemView", "StaffView", "closed_for", "comment_target", "next_statement", "open_for", "pupil_item",
    "pupil_results", "results_csv", "staff_item", "staff_overview", "vote_poll", "vote_statement", "LiveView",
    "end_live", "item_url", "live_choices", "live_item", "live_view", "normalise_join_code", "push_live", "running",
    "start_live",
]
