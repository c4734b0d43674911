"""Audience: contact lists, contacts, custom fields, blacklist, import jobs.

Revision ID: t0003
Revises: t0002
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
