"""Waiting on a condition the product reaches asynchronously (workers, webhooks)."""
from __future__ import annotations

import time


def wait_until(condition, timeout: float = 30, what: str = "condition"):
    """Return the first truthy value of `condition()`; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        time.sleep(0.1)  # polling the product's state, not a fixed delay
