"""Moderation: comments, flags and the school's name list for screening.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('verdict', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reject_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('flag_count', sa.Integer(), nullable=False),
    sa.Column('edited', sa.Boolean(), nullable=False),
    sa.Column('author_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('author_tag', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['comment.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_comment_status'), ['status'], unique=False)
        batch_op.create_index('ix_comment_target', ['school_id', 'target_kind', 'target_id'], unique=False)

    op.create_table('contentflag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('cleared', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('target_kind', 'target_id', 'pseudonym')
    )
    with op.batch_alter_table('contentflag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contentflag_school_id'), ['school_id'], unique=False)

    op.create_table('screeningname',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'name')
    )
    with op.batch_alter_table('screeningname', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_screeningname_school_id'), ['school_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('screeningname', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_screeningname_school_id'))

    op.drop_table('screeningname')
    with op.batch_alter_table('contentflag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contentflag_school_id'))

    op.drop_table('contentflag')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_target')
        batch_op.drop_index(batch_op.f('ix_comment_status'))
        batch_op.drop_index(batch_op.f('ix_comment_school_id'))
        batch_op.drop_index(batch_op.f('ix_comment_parent_id'))

    op.drop_table('comment')
