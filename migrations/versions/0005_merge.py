"""One history from here on: the voting, proposals and moderation migrations in one line.

They were three branches from 0001; they now follow each other (0002, 0003, 0004), so every
step down (`alembic downgrade -1`) has one answer. A database made with the branches holds
the same tables and reaches 0005 the same way.

Revision ID: 0005
Revises: 0004
"""

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
