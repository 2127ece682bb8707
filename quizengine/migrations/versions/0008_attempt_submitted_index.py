"""attempt submitted index

The event's judged creative points (the leaderboard summed anew, or after a full change that
kept question points) read its submitted attempts through a partial index: PostgreSQL
otherwise hashed every attempt of the event (117,500 in the benchmark) to join the 2,500
approved submissions, 22 ms of a 45 ms poll.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 15:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(
            'ix_attempt_event_submitted',
            ['event_id'],
            unique=False,
            postgresql_where=sa.text("status = 'submitted'"),
            sqlite_where=sa.text("status = 'submitted'"),
        )


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_event_submitted')
