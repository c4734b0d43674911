"""The connector mode (seed's "JDBC"): real MariaDB and PostgreSQL sources on this machine."""
import socket
import threading
import time
import uuid

import pymysql
import psycopg
import pytest
from sqlmodel import select

from services.audience.credentials import CredentialsUnavailable, seal, unseal
from services.audience.imports import (
    inspect_source, preview_contact_import, record_contact_import, save_database_source,
)
from services.audience.injection import run_contact_import
from services.audience.remote import RemoteSourceError, RemoteSpec, checked_address, open_remote_table
from services.db.tenancy import tenant_session
from services.models.audience import ContactRecord, DatabaseSource
from services.models.platform import Role
from services.onboarding.options import PRIVATE_DB_SOURCES
from tests.support.accounts import context_for, new_tenant
from tests.support.platform_options import switch_set

ROWS = [("C1", "Müller", "6 71 23 45 67"), ("C2", "Lefèvre", "+33 6 12 34 56 78"),
        ("C3", "Ngo", "671234567"), ("C4", "Fotso", "12345")]


@pytest.fixture
def private_hosts_allowed():
    """The super admin's platform setting that lets sources on internal addresses in."""
    with switch_set(PRIVATE_DB_SOURCES, True):
        yield


@pytest.fixture
def mariadb_table():
    name = "crm_" + uuid.uuid4().hex[:8]
    with pymysql.connect(host="127.0.0.1", user="root", password="", database="test") as conn:
        with conn.cursor() as cur:
            cur.execute(f"CREATE TABLE {name} (client_id VARCHAR(10), nom VARCHAR(50), "
                        "cell_phone VARCHAR(30)) CHARACTER SET utf8mb4")
            cur.executemany(f"INSERT INTO {name} VALUES (%s, %s, %s)", ROWS)
        conn.commit()
    yield name
    with pymysql.connect(host="127.0.0.1", user="root", password="", database="test") as conn:
        conn.cursor().execute(f"DROP TABLE {name}")


@pytest.fixture
def postgres_table():
    name = "crm_" + uuid.uuid4().hex[:8]
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres") as conn:
        conn.execute(f"CREATE TABLE {name} (client_id text, nom text, cell_phone text)")
        conn.cursor().executemany(f"INSERT INTO {name} VALUES (%s, %s, %s)", ROWS)
        conn.execute(f"CREATE SEQUENCE {name}_seq")
    yield name
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres") as conn:
        conn.execute(f"DROP TABLE {name}; DROP SEQUENCE {name}_seq")


def _import(ctx, url, user, table="", query=""):
    source = {"kind": "database", "source_id": save_database_source(ctx, url, user, "", table, query)}
    inspected = inspect_source(ctx, source)
    assert inspected.suggested["Telephone"] == inspected.columns.index("cell_phone")
    preview = preview_contact_import(ctx, source, inspected.suggested)
    contact_list = record_contact_import(ctx, "CRM", source, inspected.suggested)
    run_contact_import(ctx.tenant_id, contact_list.id, ctx.user_id)
    with tenant_session(ctx) as session:
        phones = session.exec(select(ContactRecord.telephone).where(
            ContactRecord.list_id == contact_list.id).order_by(ContactRecord.line)).all()
    return preview.summary, phones


def test_import_from_mariadb_table_with_cell_phone(private_hosts_allowed, mariadb_table):
    ctx = context_for(new_tenant(), Role.ADMIN)
    summary, phones = _import(ctx, "mysql://127.0.0.1:3306/test", "root", table=mariadb_table)
    assert (summary.accepted, summary.duplicates, summary.errors) == (2, 1, 1)
    assert phones == ["+237671234567", "+33612345678"]
    with tenant_session(ctx) as session:
        [stored] = session.exec(select(DatabaseSource)).all()
    assert "root" not in stored.url and stored.credentials.startswith("gAAAA")  # Fernet
    assert unseal(stored.credentials) == {"username": "root", "password": ""}


def test_import_from_postgresql_select(private_hosts_allowed, postgres_table):
    ctx = context_for(new_tenant(), Role.SUPERVISOR)
    summary, phones = _import(ctx, "postgresql://127.0.0.1:5432/test", "postgres",
                              query=f"SELECT nom, cell_phone FROM {postgres_table} WHERE nom <> 'Ngo'")
    assert (summary.total, summary.accepted) == (3, 2)
    assert phones == ["+237671234567", "+33612345678"]


@pytest.mark.parametrize("query", [
    "DELETE FROM t", "SELECT 1; DROP TABLE t", "SELECT * FROM t -- x", "WITH x AS (DELETE FROM t) SELECT 1",
    "SELECT * INTO copy FROM t", "SELECT * FROM t FOR UPDATE",
])
def test_only_one_plain_select_is_accepted(private_hosts_allowed, query):
    with pytest.raises(RemoteSourceError, match="SELECT"):
        with open_remote_table(RemoteSpec("postgresql://127.0.0.1:5432/test", "postgres", "", query=query)):
            pass


def test_the_select_runs_in_a_read_only_transaction(private_hosts_allowed, postgres_table):
    spec = RemoteSpec("postgresql://127.0.0.1:5432/test", "postgres", "",
                      query=f"SELECT nextval('{postgres_table}_seq')")
    with pytest.raises(RemoteSourceError, match="read-only"):
        with open_remote_table(spec) as table:
            list(table.rows)


def test_internal_addresses_are_refused_unless_the_platform_allows_them():
    for url in ("mysql://127.0.0.1:3306/test", "postgresql://localhost/test",
                "postgresql://169.254.169.254/x", "mysql://[::1]/test"):
        with pytest.raises(RemoteSourceError, match="interne"):
            with open_remote_table(RemoteSpec(url, "root", "", table="t")):
                pass
    with pytest.raises(RemoteSourceError, match="PostgreSQL et MySQL"):
        with open_remote_table(RemoteSpec("sqlite:///x.db", "", "", table="t")):
            pass
    with pytest.raises(RemoteSourceError, match="non acceptés"):
        with open_remote_table(RemoteSpec("postgresql://db.example.com/x?host=/tmp", "", "", table="t")):
            pass


def test_closed_port_says_refused(private_hosts_allowed):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again when the block ends
    with pytest.raises(RemoteSourceError, match="refusée"):
        with open_remote_table(RemoteSpec(f"mysql://127.0.0.1:{port}/test", "root", "", table="t")):
            pass


@pytest.mark.parametrize("scheme", ["mysql", "postgresql"])
def test_silent_server_gives_the_firewall_message_within_the_timeout(private_hosts_allowed, scheme):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []
    threading.Thread(target=lambda: held.append(server.accept()), daemon=True).start()
    started = time.monotonic()
    with pytest.raises(RemoteSourceError, match="ne répond pas.*pare-feu"):
        with open_remote_table(RemoteSpec(f"{scheme}://127.0.0.1:{server.getsockname()[1]}/test",
                                          "root", "", table="t"), timeout=2):
            pass
    assert time.monotonic() - started < 4
    assert held, "the connection was accepted: the timeout is the handshake's, not the TCP connect's"
    server.close()


def test_credentials_need_the_same_secret():
    token = seal({"username": "u", "password": "p"}, secret="one")
    assert unseal(token, secret="one") == {"username": "u", "password": "p"}
    with pytest.raises(CredentialsUnavailable):
        unseal(token, secret="two")


@pytest.mark.parametrize("address", ["100.64.0.1", "100.100.100.200", "192.0.2.1", "198.18.0.1",
                                     "::ffff:10.0.0.1", "fc00::1"])
def test_every_address_that_is_not_globally_routable_is_refused(address):
    with pytest.raises(RemoteSourceError, match="interne"):
        checked_address(address, 5432, allow_private=False)


def test_a_public_address_is_let_through():
    assert checked_address("8.8.8.8", 5432, allow_private=False) == "8.8.8.8"


@pytest.fixture
def mariadb_account():
    """A MariaDB account that may read the `test` database only."""
    user, password = "bgc_" + uuid.uuid4().hex[:8], "Probe-pass-1"
    with pymysql.connect(host="127.0.0.1", user="root", password="", database="test") as conn:
        with conn.cursor() as cur:
            cur.execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY '{password}'")
            cur.execute(f"GRANT SELECT ON test.* TO '{user}'@'%'")
    yield user, password
    with pymysql.connect(host="127.0.0.1", user="root", password="", database="test") as conn:
        conn.cursor().execute(f"DROP USER '{user}'@'%'")


def test_an_unknown_mysql_database_is_not_reported_as_a_wrong_password(private_hosts_allowed,
                                                                       mariadb_account):
    user, password = mariadb_account
    with pytest.raises(RemoteSourceError, match="n'existe pas sur le serveur, ou ce compte"):
        with open_remote_table(RemoteSpec("mysql://127.0.0.1:3306/no_such_base", user, password,
                                          table="t")):
            pass
    with pytest.raises(RemoteSourceError, match="mot de passe refusé"):
        with open_remote_table(RemoteSpec("mysql://127.0.0.1:3306/test", user, "Wrong-pass-2",
                                          table="t")):
            pass
