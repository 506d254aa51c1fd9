"""Proposals get an end date for supporting: the last day pupils can add support while the
proposal looks for it. Proposals already looking for support get four weeks from their last
change.

Revision ID: 0008
Revises: 0007
"""

from datetime import datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BACKFILL_DAYS = 28


def upgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('support_until', sa.Date(), nullable=True))
    proposal = sa.table('proposal', sa.column('id', sa.Integer), sa.column('state', sa.String),
                        sa.column('changed_at', sa.String), sa.column('support_until', sa.Date))
    connection = op.get_bind()
    rows = connection.execute(sa.select(proposal.c.id, proposal.c.changed_at)
                              .where(proposal.c.state == 'published')).all()
    for proposal_id, changed_at in rows:
        if isinstance(changed_at, str):  # SQLite keeps it as text
            changed_at = datetime.fromisoformat(changed_at)
        connection.execute(proposal.update().where(proposal.c.id == proposal_id)
                           .values(support_until=changed_at.date() + timedelta(days=BACKFILL_DAYS)))


def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('support_until')
