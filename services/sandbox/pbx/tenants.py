"""Tenants: each one gets its own dialplan contexts, endpoint names and queue names.

A tenant with slug ``demo`` gets contexts ``t-demo-agents``, ``t-demo-outbound-agent-first``, ...,
endpoints ``demo-2001`` and queue ``demo-sales``. The *lab* tenant (empty slug) uses the bare names
of the recorded traces (``agents``, ``2001``, ``sales``) so the simulator can replay them 1:1.
"""
from __future__ import annotations

from dataclasses import dataclass, field

FLOWS = ("agents", "outbound-agent-first", "amd-outbound", "from-carrier", "ivr", "closed", "spy", "spy-run",
         "hold", "dial-agent", "predictive")


@dataclass
class Tenant:
    slug: str
    agents: dict[str, str] = field(default_factory=dict)       # extension -> display name
    supervisors: dict[str, str] = field(default_factory=dict)
    queues: dict[str, list[str]] = field(default_factory=dict)  # queue -> static member extensions
    dids: dict[str, int] = field(default_factory=dict)          # DID -> queue timeout (s)
    company_number: str = "+15550001000"
    company_name: str = "Acme Sales"
    sip_password: str = "agentpass"
    registered: set[str] = field(default_factory=set)           # extensions with a contact at start

    def context(self, flow: str) -> str:
        return f"t-{self.slug}-{flow}" if self.slug else flow

    def endpoint(self, extension: str) -> str:
        return f"{self.slug}-{extension}" if self.slug else extension

    def queue(self, name: str) -> str:
        return f"{self.slug}-{name}" if self.slug else name

    def flow_of(self, context: str) -> str | None:
        prefix = f"t-{self.slug}-" if self.slug else ""
        flow = context[len(prefix):] if context.startswith(prefix) else None
        return flow if flow in FLOWS else None


def lab_tenant() -> Tenant:
    """The setup of the recorded traces: agents 2001/2002 (2002 must register), 2003, supervisor 2900."""
    return Tenant(
        slug="",
        agents={"2001": "Alice Agent", "2002": "Bob Agent", "2003": "Carol Agent"},
        supervisors={"2900": "Supervisor"},
        queues={"sales": ["2001", "2002"]},
        dids={"+15550009000": 60, "+15550009001": 15},
        registered={"2001", "2003", "2900"},
    )


def demo_tenant(slug: str = "demo") -> Tenant:
    return Tenant(
        slug=slug,
        agents={"2001": "Alice Agent", "2002": "Bob Agent"},
        supervisors={"2900": "Supervisor"},
        queues={"sales": ["2001", "2002"]},
        dids={"+15550008000": 60},
    )
