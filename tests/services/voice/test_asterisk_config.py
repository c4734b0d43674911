"""The generator writes each tenant's includes from the database, secrets readable by Asterisk only."""
import stat

from services.models.platform import Role
from services.voice.agents import enroll_agent
from services.voice.asterisk_config import write_all
from services.voice.licences import grant_licences
from tests.support.accounts import context_for, new_tenant


def test_generated_includes_follow_enrolments(tmp_path):
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    admin = context_for(tenant, Role.ADMIN)
    agent = enroll_agent(admin, "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
    written = write_all(tmp_path, tenant.slug)

    pjsip = (tmp_path / "pjsip.d" / f"{tenant.slug}.conf").read_text()
    assert f"[{tenant.slug}-2001](agent-endpoint)" in pjsip
    assert f"context = t-{tenant.slug}-agents" in pjsip
    assert f"username = {tenant.slug}-2001" in pjsip and "password = " in pjsip
    assert stat.S_IMODE((tmp_path / "pjsip.d" / f"{tenant.slug}.conf").stat().st_mode) == 0o600
    dialplan = (tmp_path / "extensions.d" / f"{tenant.slug}.conf").read_text()
    assert f"[t-{tenant.slug}-spy]" in dialplan and f"ChanSpy(PJSIP/{tenant.slug}-${{EXTEN:4}},qw)" in dialplan
    assert "@SLUG@" not in dialplan
    queues = (tmp_path / "queues.d" / f"{tenant.slug}.conf").read_text()
    assert f"[{tenant.slug}-sales](queue-template)" in queues
    assert "member" not in queues          # agents are dynamic members: QueueRemove can take them out
    assert "write = system,call,agent,originate,command" in (tmp_path / "manager.d" / "bgotocall.conf").read_text()
    assert len(written) == 4          # pjsip, extensions, queues, manager

    from services.voice.agents import unenroll_agent
    unenroll_agent(admin, agent.user_id)
    write_all(tmp_path, tenant.slug)
    assert f"{tenant.slug}-2001" not in (tmp_path / "pjsip.d" / f"{tenant.slug}.conf").read_text()


def test_each_running_campaign_has_its_queue(tmp_path):
    from services.campaigns.lifecycle import create_campaign, launch_campaign
    from tests.support.campaigns import fund, launchable_config, ready_list

    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    agent = enroll_agent(context_for(tenant, Role.ADMIN), "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
    supervisor = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    config = launchable_config(ready_list(supervisor), agent.user_id, "Relance")
    live, draft = create_campaign(supervisor, config), create_campaign(supervisor, {**config, "name": "Plus tard"})
    launch_campaign(supervisor, live.id)
    write_all(tmp_path, tenant.slug)
    queues = (tmp_path / "queues.d" / f"{tenant.slug}.conf").read_text()
    assert f"[{tenant.slug}-campaign-{live.id}](queue-template)" in queues
    assert f"-campaign-{draft.id}]" not in queues


def test_only_the_includes_that_changed_are_rewritten(tmp_path):
    """The bridge rewrites a tenant's includes after each login and reloads Asterisk only if one changed."""
    tenant = new_tenant()
    grant_licences(tenant.id, 2)
    admin = context_for(tenant, Role.ADMIN)
    enroll_agent(admin, "Fotso", "Hélène", "hf", f"hf-{tenant.slug}@example-corp.cm")
    write_all(tmp_path, tenant.slug)
    assert write_all(tmp_path, tenant.slug) == []

    enroll_agent(admin, "Biya", "Chantal", "cb", f"cb-{tenant.slug}@example-corp.cm")
    assert write_all(tmp_path, tenant.slug) == [tmp_path / "pjsip.d" / f"{tenant.slug}.conf"]
