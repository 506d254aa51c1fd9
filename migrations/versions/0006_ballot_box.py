"""Ballot box without order: has-voted rows without rowid, pending ballots, new code scheme.

- `hasvoted` is rebuilt WITHOUT ROWID on SQLite: the hidden rowid numbered votes in order.
- `comment.position`: a comment's place in its own thread; comment ids are now random.
- `pendingballot`: votes sealed under a key from K until k of one group are counted together.
- Codes are now 13 characters behind argon2id; the old 10-character codes can no longer be
  checked, so their sheets are marked revoked (print new ones on /admin/codes).

Revision ID: 0006
Revises: 0005
"""

from datetime import datetime, timezone

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_HASVOTED_COLUMNS = "school_id, item_kind, item_id, pseudonym, sealed"


def _hasvoted(name: str, with_rowid: bool) -> None:
    op.create_table(name,
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('pseudonym', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('sealed', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
        sa.PrimaryKeyConstraint('item_kind', 'item_id', 'pseudonym'),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild_hasvoted(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index('ix_hasvoted_pseudonym', table_name='hasvoted')
    op.drop_index('ix_hasvoted_school_id', table_name='hasvoted')
    op.rename_table('hasvoted', 'hasvoted_old')
    _hasvoted('hasvoted', with_rowid)
    op.execute(f"INSERT INTO hasvoted ({_HASVOTED_COLUMNS}) SELECT {_HASVOTED_COLUMNS} FROM hasvoted_old")
    op.drop_table('hasvoted_old')
    op.create_index('ix_hasvoted_pseudonym', 'hasvoted', ['pseudonym'], unique=False)
    op.create_index('ix_hasvoted_school_id', 'hasvoted', ['school_id'], unique=False)


def upgrade() -> None:
    _rebuild_hasvoted(with_rowid=False)
    op.create_table('pendingballot',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=False),
        sa.Column('item_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('sealed', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sqlite_with_rowid=False,
    )
    op.create_index('ix_pendingballot_item', 'pendingballot', ['item_kind', 'item_id'], unique=False)
    # Comment ids become random: the thread keeps its own order.
    with op.batch_alter_table('comment') as batch_op:
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE comment SET position = id")
    codesheet = sa.table('codesheet', sa.column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    op.execute(codesheet.update().where(codesheet.c.revoked_at.is_(None)).values(
        revoked_at=datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)))


def downgrade() -> None:
    with op.batch_alter_table('comment') as batch_op:
        batch_op.drop_column('position')
    op.drop_index('ix_pendingballot_item', table_name='pendingballot')
    op.drop_table('pendingballot')
    _rebuild_hasvoted(with_rowid=True)
