"""attempt answered index

The live feed's window (the answers of the last minute) by an index range, not by walking
the event's attempts on every dashboard poll. One column: with (event_id, answered_at),
SQLite without statistics read a team's score through it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 13:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index('ix_attempt_answered_at', ['answered_at'], unique=False)


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_answered_at')
