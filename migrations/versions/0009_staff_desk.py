"""Code sheets get a number per school and a name; a timeline entry can carry a new deadline.

Sheets made before get their id as number, so every sheet of a school keeps a distinct one.
Plain ALTER TABLE, no batch copy of the tables: on SQLite a copy would have to drop `codesheet`,
which participation codes point at (foreign keys are on), so it would fail on a database in use.
The columns keep their server defaults for the same reason.

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('codesheet', sa.Column('number', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('codesheet', sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False,
                                         server_default=''))
    op.execute("UPDATE codesheet SET number = id")
    op.add_column('proposalevent', sa.Column('new_deadline', sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column('proposalevent', 'new_deadline')
    op.drop_column('codesheet', 'label')
    op.drop_column('codesheet', 'number')
