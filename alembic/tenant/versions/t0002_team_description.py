"""A description on teams.

Revision ID: t0002
Revises: t0001
"""
from alembic import op
import sqlalchemy as sa

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("team", sa.Column("description", sa.String(500), nullable=False,
                                    server_default=""))


def downgrade() -> None:
    op.drop_column("team", "description")
