"""Serving an ASGI app (a sandbox twin, a recording proxy) from a thread of the test process."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator

import uvicorn

from tests.support.ports import free_port
from tests.support.waiting import wait_until


@contextmanager
def serving(build_app: Callable[[str], object]) -> Iterator[str]:
    """Yield the base URL of `build_app(base_url)` served on a free local port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(build_app(base), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 15, what=f"server on port {port}")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(15)
