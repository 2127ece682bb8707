"""incremental scores: attempt and adjustment scored_version, score_version full_version and narrow_count

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scored_version', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_attempt_event_scored', ['event_id', 'scored_version'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_answered_by_id'), ['answered_by_id'], unique=False)

    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scored_version', sa.BigInteger(), nullable=True))
        batch_op.create_index('ix_adjustment_event_scored', ['event_id', 'scored_version'], unique=False)

    with op.batch_alter_table('score_version', schema=None) as batch_op:
        # Existing rows: every cached sum is recomputed in full once (full_version = version).
        batch_op.add_column(sa.Column('full_version', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('narrow_count', sa.BigInteger(), server_default='0', nullable=False))
    op.execute("UPDATE score_version SET full_version = version")


def downgrade():
    with op.batch_alter_table('score_version', schema=None) as batch_op:
        batch_op.drop_column('narrow_count')
        batch_op.drop_column('full_version')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_answered_by_id'))
        batch_op.drop_index('ix_attempt_event_scored')
        batch_op.drop_column('scored_version')

    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.drop_index('ix_adjustment_event_scored')
        batch_op.drop_column('scored_version')
