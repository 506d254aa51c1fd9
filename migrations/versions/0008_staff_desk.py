"""Code sheets get a number per school and a name; a timeline entry can carry a new deadline.

Sheets made before get their id as number, so every sheet of a school keeps a distinct one.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('codesheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False,
                                      server_default=''))
    op.execute("UPDATE codesheet SET number = id")
    with op.batch_alter_table('codesheet', schema=None) as batch_op:
        batch_op.alter_column('number', server_default=None)
        batch_op.alter_column('label', server_default=None)
    with op.batch_alter_table('proposalevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_deadline', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('proposalevent', schema=None) as batch_op:
        batch_op.drop_column('new_deadline')
    with op.batch_alter_table('codesheet', schema=None) as batch_op:
        batch_op.drop_column('label')
        batch_op.drop_column('number')
