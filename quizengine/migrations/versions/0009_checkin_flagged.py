"""checkin flagged and the dashboard's counts index

The live dashboard counts an event's refused check-ins and open flags on every poll (every
5 s per organizer). It read each check-in's flags as JSON text: 24 ms of a 50 ms poll on
SQLite for the benchmark's 25,000 check-ins. ``flagged`` says whether the flags hold any (the
model keeps it as the flags are set), and one index holds every column the counts read.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # The flags are a JSON list, "[]" when empty (as text, on both databases).
    op.execute(
        "UPDATE checkin SET flagged = (flags IS NOT NULL "
        "AND CAST(flags AS TEXT) NOT IN ('[]', 'null'))"
    )
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index(
            'ix_checkin_event_counts',
            ['event_id', 'accepted', 'flagged', 'flag_decision'],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_event_counts')
        batch_op.drop_column('flagged')
