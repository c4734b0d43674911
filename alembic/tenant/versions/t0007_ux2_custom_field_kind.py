"""The type of a custom field (texte, nombre, date), chosen when it is created.

Revision ID: t0007_ux2
Revises: t0006
"""
from alembic import op
import sqlalchemy as sa

revision = "t0007_ux2"
down_revision = "t0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("custom_field", sa.Column("kind", sa.String(10), nullable=False,
                                            server_default="texte"))


def downgrade() -> None:
    op.drop_column("custom_field", "kind")
