"""score_version names_version and kept_count

The version of the last change to the names the boards show (a rename, a new team or
participant): the leaderboard reads the names again after it, without summing any points.
The count of full changes that could not move question points: across them the leaderboard
keeps its question sums.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 13:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('score_version', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('names_version', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('kept_count', sa.BigInteger(), server_default='0', nullable=False)
        )
    # Existing rows: the names are read again once.
    op.execute("UPDATE score_version SET names_version = version")


def downgrade():
    with op.batch_alter_table('score_version', schema=None) as batch_op:
        batch_op.drop_column('kept_count')
        batch_op.drop_column('names_version')
