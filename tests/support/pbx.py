"""Which PBX the voice tests talk to: the simulator (default, started per test) or a real Asterisk.

    BGC_TEST_PBX_HOST=10.0.0.5 BGC_TEST_PBX_PORT=5038 BGC_TEST_AMI_USER=bgcbridge BGC_TEST_AMI_SECRET=… \
        .venv/bin/python -m pytest tests/services/voice -m "not phones"

Tests that drive phones, customers or restarts through the simulator's control side carry the marker
`phones` (given by tests/services/voice/conftest.py to every test that uses the `pbx` fixture); against a
real Asterisk they need the SIPp phones of asterisk/README.md and are deselected with `-m "not phones"`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class PbxTarget:
    host: str
    port: int
    user: str
    secret: str


def real_pbx() -> PbxTarget | None:
    """The real Asterisk named by the environment, or None (then the tests start the simulator)."""
    host = os.environ.get("BGC_TEST_PBX_HOST")
    if not host:
        return None
    return PbxTarget(host, int(os.environ.get("BGC_TEST_PBX_PORT", "5038")),
                     os.environ.get("BGC_TEST_AMI_USER", "amiuser"), os.environ["BGC_TEST_AMI_SECRET"])
