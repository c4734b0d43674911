"""Users sign in with their login (e.g. `j.ekambi`) as well as their email: the login, unique per
tenant, is kept next to the email; existing agents and supervisors get theirs from the tenants'
agent profiles.

Revision ID: p0003_ux
Revises: p0003_twins
"""
from alembic import op
import sqlalchemy as sa

revision = "p0003_ux"
down_revision = "p0003_twins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_account", sa.Column("login", sa.String(40), nullable=True), schema="platform")
    op.create_index("ix_user_account_tenant_login", "user_account", ["tenant_id", "login"],
                    unique=True, schema="platform", postgresql_where=sa.text("login IS NOT NULL"))
    op.execute("""
        DO $$ DECLARE s text; BEGIN
          FOR s IN SELECT t.schema_name FROM platform.tenant t JOIN information_schema.tables i
                   ON i.table_schema = t.schema_name AND i.table_name = 'agent_profile' LOOP
            EXECUTE format('UPDATE platform.user_account u SET login = a.login '
                           'FROM %I.agent_profile a WHERE a.user_id = u.id', s);
          END LOOP;
        END $$""")


def downgrade() -> None:
    op.drop_index("ix_user_account_tenant_login", "user_account", schema="platform")
    op.drop_column("user_account", "login", schema="platform")
