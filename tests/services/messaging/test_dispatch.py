"""The scheduler's messaging tick starts sending runs only for what a run can send: a paused campaign's
queued attempts wait without costing the workers a run every two seconds."""
from __future__ import annotations

import json

from services.campaigns.lifecycle import pause_campaign, resume_campaign
from services.infra.redis import get_redis
from services.messaging.dispatch import dispatch_tenant
from services.messaging.sequencer import sequence_tenant
from tests.services.messaging.conftest import SmsCampaign


def runs_requested(tenant_id: int) -> int:
    """The sending runs of this tenant waiting in the workers' queue (the Redis broker's messages)."""
    stored = get_redis().hvals("bgotocall:messaging.msgs")
    return sum(1 for raw in stored if (m := json.loads(raw))["actor_name"] == "send_due"
               and m["args"] == [tenant_id])


def test_a_paused_campaigns_queued_attempts_start_no_sending_run(sandbox):
    c = SmsCampaign(count=2)
    sequence_tenant(c.admin)
    pause_campaign(c.admin, c.id)             # its two SMS stay queued
    get_redis().delete(f"bgc:senders-started:{c.tenant.id}")
    before = runs_requested(c.tenant.id)
    dispatch_tenant(c.tenant.id)
    assert runs_requested(c.tenant.id) == before

    resume_campaign(c.admin, c.id)
    get_redis().delete(f"bgc:senders-started:{c.tenant.id}")
    dispatch_tenant(c.tenant.id)
    assert runs_requested(c.tenant.id) > before
