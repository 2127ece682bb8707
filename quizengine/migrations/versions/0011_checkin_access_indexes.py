"""checkin access indexes

Is a checkpoint unlocked for a participant? Every checkpoint page, task page, start and answer
asks with an EXISTS over the accepted check-ins at that checkpoint of the participant and, in
a team race, of their team. With only team_id indexed (and participant_id as the first column
of an index by time), SQLite (no statistics) looked up the checkpoint's check-ins instead,
every team's: 0.4-0.55 ms a request at 500 teams in the benchmark. These two indexes, (team_id
| participant_id, checkpoint_id, accepted), answer it alone (0.03 ms).
ix_checkin_team_checkpoint replaces ix_checkin_team_id, its first column.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 05:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index(
            'ix_checkin_team_checkpoint',
            ['team_id', 'checkpoint_id', 'accepted'],
            unique=False,
        )
        batch_op.create_index(
            'ix_checkin_participant_checkpoint',
            ['participant_id', 'checkpoint_id', 'accepted'],
            unique=False,
        )
        batch_op.drop_index('ix_checkin_team_id')


def downgrade():
    with op.batch_alter_table('checkin', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_team_id', ['team_id'], unique=False)
        batch_op.drop_index('ix_checkin_participant_checkpoint')
        batch_op.drop_index('ix_checkin_team_checkpoint')
