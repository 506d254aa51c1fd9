"""PostgreSQL: no background vacuum on the pupil tables that are mixed.

The mix (app/scrub.py) rewrites these tables and then takes them for a moment to rewrite their
files (VACUUM FULL), waiting at most a second for the lock. A background vacuum working on the
same table held that lock past the second, so the rewrite was put off and the old row order
stayed in the files until the next mix. The mix and every erasure vacuum these tables
themselves, so the background one adds nothing. SQLite: nothing to do.

Revision ID: 0010
Revises: 0009
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ("hasvoted", "pendingballot", "proposalsupport", "contentflag")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET (autovacuum_enabled, toast.autovacuum_enabled)")
