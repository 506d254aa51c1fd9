"""Proposals: categories, holidays, proposals, their timeline and supports.

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('proposalcategory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'name')
    )
    with op.batch_alter_table('proposalcategory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalcategory_school_id'), ['school_id'], unique=False)

    op.create_table('schoolholiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('schoolholiday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_schoolholiday_school_id'), ['school_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('author_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('author_tag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('with_management_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['proposalcategory.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_state'), ['state'], unique=False)

    op.create_table('proposalevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('review_date', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposalevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalevent_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposalevent_school_id'), ['school_id'], unique=False)

    op.create_table('proposalsupport',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('proposal_id', 'pseudonym'),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('proposalsupport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposalsupport_school_id'), ['school_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proposalsupport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalsupport_school_id'))

    op.drop_table('proposalsupport')
    with op.batch_alter_table('proposalevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalevent_school_id'))
        batch_op.drop_index(batch_op.f('ix_proposalevent_proposal_id'))

    op.drop_table('proposalevent')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_state'))
        batch_op.drop_index(batch_op.f('ix_proposal_school_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_category_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('schoolholiday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_schoolholiday_school_id'))

    op.drop_table('schoolholiday')
    with op.batch_alter_table('proposalcategory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposalcategory_school_id'))

    op.drop_table('proposalcategory')
