"""The embedded Redis of `make run` and the tests: production's version, and data that outlives it."""
import redis

from services.infra.embedded import start_redis
from services.stack.environment import redis_major_version


def test_the_embedded_redis_speaks_redis_7_so_tabs_states_are_leased(tmp_path):
    server, url = start_redis(tmp_path / "redis")
    try:
        assert redis_major_version(url) >= 7
    finally:
        server.stop()


def test_a_second_run_finds_what_the_first_one_wrote(tmp_path):
    server, url = start_redis(tmp_path / "redis")
    redis.Redis.from_url(url).set("bgc:test:kept", "oui")
    server.stop()
    server, url = start_redis(tmp_path / "redis")
    try:
        assert redis.Redis.from_url(url).get("bgc:test:kept") == b"oui"
    finally:
        server.stop()
