from alembic import context

# Migrations of a tenant run on their own connection with search_path set to its
# schema (Alembic's schema-level multi-tenancy recipe); their scripts name no schema.
config = context.config
connection = config.attributes["connection"]
schema = config.attributes["tenant_schema"]
if not schema or not schema.startswith("tenant_"):
    raise RuntimeError(f"tenant migrations need a tenant schema, got {schema!r}")
connection.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')
context.configure(connection=connection, version_table_schema=schema)
with context.begin_transaction():
    context.run_migrations()
