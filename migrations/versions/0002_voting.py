"""Voting: statements, polls, the ballot box (tallies and has-voted records), live sessions.

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hasvoted',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('sealed', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('item_kind', 'item_id', 'pseudonym')
    )
    with op.batch_alter_table('hasvoted', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hasvoted_pseudonym'), ['pseudonym'], unique=False)
        batch_op.create_index(batch_op.f('ix_hasvoted_school_id'), ['school_id'], unique=False)

    op.create_table('livesession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('join_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('started_by', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['started_by'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('join_code')
    )
    with op.batch_alter_table('livesession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_livesession_school_id'), ['school_id'], unique=False)

    op.create_table('poll',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('whole_school', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('results', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('scale_low', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('scale_high', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.create_index('ix_poll_due', ['school_id', 'erased', 'closes_at'], unique=False)

    op.create_table('statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('whole_school', sa.Boolean(), nullable=False),
    sa.Column('opens_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('results', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
    sa.Column('text_key', sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('by_pupil', sa.Boolean(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reject_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('author_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('author_tag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.create_index('ix_statement_due', ['school_id', 'erased', 'closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_statement_text_key'), ['text_key'], unique=False)

    op.create_table('voteaudience',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_kind', 'item_id', 'group_id')
    )
    with op.batch_alter_table('voteaudience', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voteaudience_school_id'), ['school_id'], unique=False)

    op.create_table('votetally',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('item_kind', 'item_id', 'answer', 'group_id')
    )
    with op.batch_alter_table('votetally', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votetally_school_id'), ['school_id'], unique=False)

    op.create_table('polloption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['poll.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('polloption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_polloption_poll_id'), ['poll_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('polloption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_polloption_poll_id'))

    op.drop_table('polloption')
    with op.batch_alter_table('votetally', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votetally_school_id'))

    op.drop_table('votetally')
    with op.batch_alter_table('voteaudience', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voteaudience_school_id'))

    op.drop_table('voteaudience')
    with op.batch_alter_table('statement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_statement_text_key'))
        batch_op.drop_index('ix_statement_due')

    op.drop_table('statement')
    with op.batch_alter_table('poll', schema=None) as batch_op:
        batch_op.drop_index('ix_poll_due')

    op.drop_table('poll')
    with op.batch_alter_table('livesession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_livesession_school_id'))

    op.drop_table('livesession')
    with op.batch_alter_table('hasvoted', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hasvoted_school_id'))
        batch_op.drop_index(batch_op.f('ix_hasvoted_pseudonym'))

    op.drop_table('hasvoted')
