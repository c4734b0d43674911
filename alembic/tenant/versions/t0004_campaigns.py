"""Campaigns, versions, forms, qualification codes, WhatsApp templates.

Revision ID: t0004
Revises: t0003
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
