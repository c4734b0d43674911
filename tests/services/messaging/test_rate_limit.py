"""The shared token bucket: the burst goes at once, the rest is spaced at the rate."""
from __future__ import annotations

import uuid

from services.messaging.rate_limit import reserve, slow_down


def test_tokens_beyond_the_burst_wait_their_turn_at_the_rate():
    key = f"bgc:rate:test:{uuid.uuid4().hex}"
    waits = [reserve(key, per_second=2, burst=2) for _ in range(4)]
    assert waits[:2] == [0, 0]
    assert 0.3 < waits[2] <= 0.5 and 0.8 < waits[3] <= 1.0  # queued behind each other


def test_no_rate_means_no_limit():
    key = f"bgc:rate:test:{uuid.uuid4().hex}"
    assert {reserve(key, per_second=0) for _ in range(100)} == {0}


def test_a_429_makes_every_sender_of_the_bucket_wait():
    key = f"bgc:rate:test:{uuid.uuid4().hex}"
    assert reserve(key, per_second=10, burst=1) == 0
    slow_down(key, per_second=10, seconds=2)
    assert 1.9 < reserve(key, per_second=10, burst=1) <= 2.1
