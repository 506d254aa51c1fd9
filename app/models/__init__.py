"""All tables, imported here so Alembic and the app see one metadata."""

from app.models.access import CodeSheet, ParticipationCode
from app.models.help import HelpResource
from app.models.moderation import Comment, ContentFlag, ScreeningName
from app.models.proposals import Proposal, ProposalCategory, ProposalEvent, ProposalSupport, SchoolHoliday
from app.models.school import Group, School
from app.models.staff import AuditEntry, Staff, StaffSession
from app.models.voting import HasVoted, LiveSession, PendingBallot, Poll, PollOption, Statement, VoteAudience, VoteTally

__all__ = ["HasVoted", "LiveSession", "PendingBallot", "Poll", "PollOption", "Statement", "VoteAudience", "VoteTally", "Proposal", "ProposalCategory", "ProposalEvent", "ProposalSupport", "SchoolHoliday", "Comment", "ContentFlag", "ScreeningName", "AuditEntry", "CodeSheet", "Group", "HelpResource", "ParticipationCode", "School", "Staff", "StaffSession"]
