"""Moderation of pupil free text (comments, statements, proposals): screening on entry, one queue
for all kinds and the decisions that go with it, comments and flags.

A module per concern; callers use the names re-exported here (`moderation.decide(...)`):

- intake    screening new text, the posting budget
- queue     the kinds in the queue, the queue, decisions (with their audit entry)
- settings  pre- or post-moderation, the flag threshold, the name list
- comments  comment targets, threads, writing a comment, comments in the queue
- flags     flagging a comment; enough flags hide it

Each domain declares its kinds for the queue and its comment targets in app.domains, which
registers them here (`wire`) when the app or the demo starts: nothing registers on import.
"""

from app.services.moderation.intake import (POST_LIMIT, POST_WINDOW, URGENT_VERDICTS, VERDICT_LABELS, PostingLimit,
                                            Screened, allow_post, clean_text, school_names, screen_new_text)
from app.services.moderation.queue import (KINDS, LIKELY_REASON, MAX_TEXT, REJECT_REASONS, ModeratedKind, QueueItem,
                                           decide, queue, queue_item, reason_label, register, suggested_reason)
from app.services.moderation.settings import MAX_NAMES, MAX_THRESHOLD, MODES, set_school_names, update_settings
from app.services.moderation.comments import (COMMENT_TARGET_URLS, COMMENT_TARGETS, STATUS_LABELS, CommentTarget,
                                              CommentView, Thread, decide_comment, get_comment, is_author,
                                              pending_comments, post_comment, register_target, target_title, thread)
from app.services.moderation.flags import FLAG_REASONS, add_flag, flag_comment, flag_notice

__all__ = [
    "POST_LIMIT", "POST_WINDOW", "URGENT_VERDICTS", "VERDICT_LABELS", "PostingLimit", "Screened", "allow_post",
    "clean_text", "school_names", "screen_new_text", "KINDS", "LIKELY_REASON", "MAX_TEXT", "REJECT_REASONS",
    "ModeratedKind", "QueueItem", "decide", "queue", "queue_item", "reason_label", "register", "suggested_reason",
    "MAX_NAMES", "MAX_THRESHOLD", "MODES", "set_school_names", "update_settings", "COMMENT_TARGET_URLS",
    "COMMENT_TARGETS", "STATUS_LABELS", "CommentTarget", "CommentView", "register_target", "Thread",
    "decide_comment", "get_comment", "is_author", "pending_comments", "post_comment", "target_title", "thread", "FLAG_REASONS", "add_flag", "flag_comment", "flag_notice",
]
