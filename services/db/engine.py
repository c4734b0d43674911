"""The one SQLAlchemy engine of a process, and platform-level sessions."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

from sqlalchemy import Engine, create_engine
from sqlmodel import Session

from services.settings import get_settings


class DatabaseUnavailable(RuntimeError):
    """Raised when no database URL is configured."""


def sqlalchemy_url(url: str) -> str:
    """Use psycopg 3 whatever driver the URL names."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    url = get_settings().database_url
    if not url:
        raise DatabaseUnavailable(
            "DATABASE_URL is not set: start the product with `make run` or set it."
        )
    return create_engine(
        sqlalchemy_url(url), pool_pre_ping=True, pool_size=5, max_overflow=10,
        connect_args={"connect_timeout": 5},
    )


@contextmanager
def platform_session() -> Iterator[Session]:
    """A session on the platform schema; commits on success, rolls back on error."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
