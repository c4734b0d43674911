from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table_schema="platform",
                  include_schemas=True, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
