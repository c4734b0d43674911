"""Step A, connector mode (the seed's "JDBC"): read contacts from a customer's database.

A SQLAlchemy URL (PostgreSQL or MySQL/MariaDB), a login, a password, and a table or one
read-only SELECT. The host is resolved once and checked (only globally routable addresses,
never the platform's, unless the platform allows internal ones), then the connection goes to that very
address (no DNS rebinding between check and use). The rows are streamed from a server-side
cursor inside a read-only transaction, within the configured connection timeout (flow A1).
"""
from __future__ import annotations

import ipaddress
import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Iterator
from urllib.parse import urlsplit

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from services.audience.errors import ImportFileError
from services.audience.readers import DEFAULT_LIMITS, Limits, Table
from services.onboarding.options import private_db_sources_allowed
from services.settings import get_settings

_DRIVERS = {
    "postgresql": "postgresql+psycopg", "postgresql+psycopg": "postgresql+psycopg",
    "postgres": "postgresql+psycopg", "mysql": "mysql+pymysql", "mysql+pymysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql", "mariadb+pymysql": "mysql+pymysql",
}
_ALLOWED_QUERY_KEYS = {"sslmode", "charset", "ssl_mode"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$")
_FORBIDDEN_IN_SELECT = re.compile(r"\binto\b|\bfor\s+(update|share|no\s+key)\b|\block\b", re.I)
STREAM_BATCH = 5_000


class RemoteSourceError(ImportFileError):
    """The remote database cannot be read; `message` is French and shown as is."""


@dataclass(frozen=True)
class RemoteSpec:
    url: str
    username: str
    password: str
    table: str = ""
    query: str = ""

    @property
    def label(self) -> str:
        return f"{public_url(self.url)} — {self.table or 'requête SELECT'}"


def timeout_message(seconds: int) -> str:
    return (f"Le serveur ne répond pas (aucune réponse en {seconds} s) : vérifiez le pare-feu "
            "(le port de la base doit être ouvert à nos serveurs), l'adresse et le port.")


def public_url(url: str) -> str:
    """The URL without any credentials, as stored and shown."""
    try:
        parsed = make_url(url.strip())
    except ArgumentError as error:
        raise RemoteSourceError("URL de connexion illisible. Exemple : "
                                "postgresql://serveur:5432/base ou mysql://serveur:3306/base") from error
    return parsed.set(username=None, password=None).render_as_string(hide_password=False)


def select_statement(spec: RemoteSpec, dialect) -> str:
    """The one statement run: SELECT * FROM a checked table name, or the user's single SELECT."""
    if spec.table.strip() and spec.query.strip():
        raise RemoteSourceError("Indiquez une table ou une requête SELECT, pas les deux.")
    if spec.table.strip():
        name = spec.table.strip()
        if not _IDENTIFIER.match(name):
            raise RemoteSourceError("Nom de table invalide (lettres, chiffres, _ ; schéma.table accepté).")
        quote = dialect.identifier_preparer.quote
        return "SELECT * FROM " + ".".join(quote(part) for part in name.split("."))
    query = spec.query.strip().rstrip(";").strip()
    if not query:
        raise RemoteSourceError("Indiquez une table ou une requête SELECT.")
    if not re.match(r"(?is)^select\s", query) or ";" in query or "--" in query or "/*" in query \
            or _FORBIDDEN_IN_SELECT.search(query):
        raise RemoteSourceError("Seule une requête SELECT simple, en lecture, est acceptée "
                                "(une seule instruction, sans commentaire).")
    return query


def checked_address(host: str, port: int, allow_private: bool | None = None) -> str:
    """The IP address to connect to; refuses private ranges and the platform's own hosts."""
    allow = private_db_sources_allowed() if allow_private is None else allow_private
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RemoteSourceError(f"Le serveur « {host} » est introuvable (nom inconnu).") from error
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not allow:
        own = _platform_addresses()
        for address in addresses:
            # Only globally routable addresses: this also refuses carrier-grade NAT
            # (100.64.0.0/10, where some clouds put their metadata service).
            if not address.is_global or address.is_multicast or address in own:
                raise RemoteSourceError(
                    f"L'adresse {address} est interne (réseau privé ou serveur de la plateforme) : "
                    "elle est refusée. Le Super Admin peut autoriser les adresses internes.")
    return str(addresses[0])


def _platform_addresses() -> set:
    settings = get_settings()
    hosts = {urlsplit(url).hostname for url in (settings.database_url, settings.redis_url,
                                                 settings.public_url) if url}
    hosts.add(settings.platform_domain)
    found = set()
    for host in filter(None, hosts):
        try:
            found |= {ipaddress.ip_address(i[4][0].split("%")[0]) for i in socket.getaddrinfo(host, None)}
        except (socket.gaierror, UnicodeError):
            continue
    return found


def _engine_for(spec: RemoteSpec, timeout: int, allow_private: bool | None):
    try:
        url = make_url(spec.url.strip())
    except ArgumentError as error:
        raise RemoteSourceError("URL de connexion illisible.") from error
    driver = _DRIVERS.get(url.drivername)
    if driver is None:
        raise RemoteSourceError("Seules les bases PostgreSQL et MySQL/MariaDB sont prises en charge "
                                "(URL postgresql://… ou mysql://…).")
    if set(url.query) - _ALLOWED_QUERY_KEYS:
        raise RemoteSourceError("Paramètres d'URL non acceptés : "
                                + ", ".join(sorted(set(url.query) - _ALLOWED_QUERY_KEYS)) + ".")
    if not url.host or not url.database:
        raise RemoteSourceError("L'URL doit indiquer le serveur et la base (…://serveur:port/base).")
    postgres = driver.startswith("postgresql")
    port = url.port or (5432 if postgres else 3306)
    address = checked_address(url.host, port, allow_private)
    target = URL.create(driver, username=spec.username or url.username,
                        password=spec.password or url.password, host=url.host if postgres else address,
                        port=port, database=url.database, query=url.query)
    if postgres:
        connect_args = {"connect_timeout": max(2, timeout), "hostaddr": address,
                        "application_name": "b-gotocall-import"}
    else:
        connect_args = {"connect_timeout": timeout, "read_timeout": timeout, "charset": "utf8mb4"}
    engine = create_engine(target, poolclass=NullPool, connect_args=connect_args, pool_pre_ping=False)
    if not postgres:
        @event.listens_for(engine, "connect")
        def _no_read_timeout_after_login(dbapi_connection, _record):
            # read_timeout bounds the handshake (flow A1); a long SELECT may then take its time.
            dbapi_connection._read_timeout = None

    return engine, postgres


@contextmanager
def open_remote_table(spec: RemoteSpec, timeout: int | None = None,
                      allow_private: bool | None = None,
                      limits: Limits = DEFAULT_LIMITS, limit: int | None = None) -> Iterator[Table]:
    """The columns and a stream of rows of the table or SELECT, read-only; the connection
    stays open while the caller reads the rows. `limit` reads only the first rows (a
    preview), so that closing early never drains a big result."""
    timeout = timeout or get_settings().db_source_timeout_seconds
    engine, postgres = _engine_for(spec, timeout, allow_private)
    try:
        try:
            connection = engine.connect()
        except DBAPIError as error:
            raise _connection_error(error, timeout) from error
        with connection:
            statement = select_statement(spec, engine.dialect)
            if limit is not None:
                statement = f"SELECT * FROM ({statement}) AS bgc_sample LIMIT {int(limit)}"
            try:
                if postgres:
                    connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                else:
                    connection.exec_driver_sql("ROLLBACK")  # leave the implicit transaction
                    connection.exec_driver_sql("START TRANSACTION READ ONLY")
                result = connection.execution_options(stream_results=True, yield_per=STREAM_BATCH) \
                    .execute(text(statement).execution_options(no_parameters=True))
            except DBAPIError as error:
                raise RemoteSourceError(f"La requête a été refusée par la base : {_first_line(error)}") from error
            columns = [str(name) for name in result.keys()]
            if len(columns) > limits.max_columns:
                raise RemoteSourceError(f"{len(columns)} colonnes : la limite est de {limits.max_columns}.")
            yield Table("database", columns, _rows(result, limits))
            result.close()
            connection.rollback()
    except SQLAlchemyError as error:
        raise RemoteSourceError(f"Lecture interrompue : {_first_line(error)}") from error
    finally:
        engine.dispose()


def _rows(result, limits: Limits):
    number = 0
    for number, values in enumerate(result, start=1):
        cells = [_cell_text(value) for value in values]
        if any(len(cell) > limits.max_cell_chars for cell in cells):
            raise RemoteSourceError(f"Ligne {number} : une valeur dépasse {limits.max_cell_chars} caractères.")
        if number > limits.max_rows:
            raise RemoteSourceError(f"La source dépasse la limite de {limits.max_rows} lignes.")
        yield number, cells
    if number == 0:
        raise RemoteSourceError("La table ou la requête ne renvoie aucune ligne.")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _first_line(error: Exception) -> str:
    original = getattr(error, "orig", None) or error
    return (str(original).strip().splitlines() or ["erreur inconnue"])[0][:300]


def _mysql_code(error: DBAPIError) -> int | None:
    args = getattr(getattr(error, "orig", None), "args", ())
    return args[0] if args and isinstance(args[0], int) else None


def _connection_error(error: DBAPIError, timeout: int) -> RemoteSourceError:
    detail = _first_line(error).lower()
    if "timeout" in detail or "timed out" in detail:
        return RemoteSourceError(timeout_message(timeout))
    if "refused" in detail or "can't connect" in detail:
        return RemoteSourceError("Connexion refusée par le serveur : vérifiez l'adresse et le port, "
                                 "et que la base accepte les connexions distantes.")
    code = _mysql_code(error)
    # MySQL answers 1044 for a database the account may not use, whether it exists or not.
    if code in (1044, 1049) or "unknown database" in detail \
            or ("database" in detail and "does not exist" in detail):
        return RemoteSourceError("Cette base de données n'existe pas sur le serveur, ou ce compte "
                                 "n'y a pas accès : vérifiez le nom de la base dans l'URL.")
    if "password" in detail or "access denied" in detail or "authentication" in detail \
            or ("role" in detail and "does not exist" in detail):
        return RemoteSourceError("Identifiant ou mot de passe refusé par la base de données.")
    return RemoteSourceError(f"Connexion impossible : {_first_line(error)}")
