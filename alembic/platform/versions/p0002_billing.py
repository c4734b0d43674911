"""Billing: price list, carts, payments, wallet ledger, invoices, provisioning log.

Revision ID: p0002
Revises: p0001
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
