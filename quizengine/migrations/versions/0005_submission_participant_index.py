"""submission participant index

A participant's judged submissions by an index lookup (their home page's score), not by
walking the event's submissions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 10:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_submission_participant_id'), ['participant_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_participant_id'))
