"""Tenant plan changes and legal identifiers: the reduction of a subscription waiting for the next
month (cart.scheduled), and the tenant's NIU and RCCM next to its VAT number (billing_profile).

Revision ID: p0003_tenant
Revises: p0003_ux
"""
from alembic import op
import sqlalchemy as sa

revision = "p0003_tenant"
down_revision = "p0003_ux"
branch_labels = None
depends_on = None

S = "platform"


def upgrade() -> None:
    op.add_column("cart", sa.Column("scheduled", sa.JSON, nullable=True), schema=S)
    op.add_column("billing_profile", sa.Column("niu", sa.String(40), nullable=False,
                                               server_default=""), schema=S)
    op.add_column("billing_profile", sa.Column("rccm", sa.String(60), nullable=False,
                                               server_default=""), schema=S)


def downgrade() -> None:
    op.drop_column("billing_profile", "rccm", schema=S)
    op.drop_column("billing_profile", "niu", schema=S)
    op.drop_column("cart", "scheduled", schema=S)
