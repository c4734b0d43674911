"""WhatsApp: the id Meta gives a submitted template, so its status webhook finds it.

Revision ID: t0009_whatsapp
Revises: t0009_convo
"""
from alembic import op
import sqlalchemy as sa

revision = "t0009_whatsapp"
down_revision = "t0009_convo"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("whatsapp_template", sa.Column("meta_template_id", sa.String(64),
                                                 nullable=False, server_default=""))
    op.create_index("whatsapp_template_meta_id", "whatsapp_template", ["meta_template_id"])


def downgrade() -> None:
    op.drop_index("whatsapp_template_meta_id", table_name="whatsapp_template")
    op.drop_column("whatsapp_template", "meta_template_id")
