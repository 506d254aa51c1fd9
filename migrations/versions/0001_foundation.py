"""Foundation: school, groups, participation codes, staff, audit log, help lines.

Revision ID: 0001
Revises: 
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('school',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('k_anonymity', sa.Integer(), nullable=False),
    sa.Column('moderation_mode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('flag_hide_threshold', sa.Integer(), nullable=False),
    sa.Column('support_threshold', sa.Integer(), nullable=False),
    sa.Column('support_threshold_percent', sa.Integer(), nullable=True),
    sa.Column('response_days', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('school_id', 'name')
    )
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_school_id'), ['school_id'], unique=False)

    op.create_table('helpresource',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone_hours', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('chat_hours', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('hours_json', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('helpresource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helpresource_school_id'), ['school_id'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_school_id'), ['school_id'], unique=False)

    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target_kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_staff_id'), ['staff_id'], unique=False)

    op.create_table('codesheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('codesheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_codesheet_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_codesheet_school_id'), ['school_id'], unique=False)

    op.create_table('participationcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('lookup', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.ForeignKeyConstraint(['sheet_id'], ['codesheet.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lookup')
    )
    with op.batch_alter_table('participationcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participationcode_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participationcode_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_participationcode_sheet_id'), ['sheet_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('participationcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participationcode_sheet_id'))
        batch_op.drop_index(batch_op.f('ix_participationcode_school_id'))
        batch_op.drop_index(batch_op.f('ix_participationcode_group_id'))

    op.drop_table('participationcode')
    with op.batch_alter_table('codesheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_codesheet_school_id'))
        batch_op.drop_index(batch_op.f('ix_codesheet_group_id'))

    op.drop_table('codesheet')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_staff_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_school_id'))
        batch_op.drop_index(batch_op.f('ix_auditentry_created_at'))

    op.drop_table('auditentry')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_school_id'))

    op.drop_table('staff')
    with op.batch_alter_table('helpresource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_helpresource_school_id'))

    op.drop_table('helpresource')
    with op.batch_alter_table('group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_school_id'))

    op.drop_table('group')
    op.drop_table('school')
