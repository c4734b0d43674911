"""PBX simulator: an asyncio TCP server speaking Asterisk 22 AMI (see README.md)."""
from .clock import RealClock, VirtualClock
from .control import PbxControl
from .outcomes import outcome_for
from .tenants import Tenant, demo_tenant, lab_tenant

__all__ = ["PbxControl", "RealClock", "VirtualClock", "Tenant", "demo_tenant", "lab_tenant", "outcome_for"]
