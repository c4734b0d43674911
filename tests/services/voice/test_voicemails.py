"""« Messages vocaux »: the messages saturated callers left (newest first, caller, campaign, duration) and the
callbacks still to dial; « Traité » closes a message once, for the tenant's supervisors and admins only."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from services.audience.file_import import import_file
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.models.columns import utcnow
from services.models.audience import ContactRecord
from services.models.interactions import Interaction
from services.models.platform import Role
from services.voice.dialer import request_callback
from services.voice.voicemails import HANDLED_BY, HANDLED_CODE, caller_tasks, mark_handled
from tests.support.accounts import context_for, new_tenant
from tests.support.interactions import add_interactions

PAUL, STRANGER, ASKER = "+237699112233", "+237699445566", "+237699778899"


@pytest.fixture
def world():
    tenant = new_tenant()
    sup = context_for(tenant, Role.SUPERVISOR)
    list_id = import_file(sup, "Clients", f"Nom;Prénom;Téléphone;Email\nClient;Paul;{PAUL};p@example.cm\n"
                                          f"Demande;Awa;{ASKER};a@example.cm\n".encode())
    campaign = create_campaign(sup, default_config("Ligne client"))
    with tenant_session(sup) as session:
        contacts = {c.telephone: c.id for c in session.execute(select(ContactRecord)).scalars()}
    now = utcnow()
    inbound = dict(channel="VOIX", direction="IN", slot="voice", status="ENDED", provider="asterisk",
                   form_answers={})
    ids = add_interactions(sup, [
        dict(inbound, address=PAUL, contact_id=contacts[PAUL], list_id=list_id, campaign_id=campaign.id,
             outcome="voicemail", recording_url="1.wav", recording_seconds=75, queued_at=now - timedelta(hours=1)),
        dict(inbound, address=STRANGER, outcome="voicemail", recording_url="2.wav", recording_seconds=4,
             queued_at=now - timedelta(minutes=5)),
        dict(inbound, address=STRANGER, outcome="abandoned", queued_at=now),
        dict(inbound, address=ASKER, contact_id=contacts[ASKER], list_id=list_id, campaign_id=campaign.id,
             outcome="callback", queued_at=now - timedelta(minutes=30)),
    ])
    assert request_callback(tenant.id, ids[3])
    return type("World", (), dict(tenant=tenant, sup=sup, ids=ids, campaign=campaign))


def test_the_messages_newest_first_with_the_callbacks_still_to_dial(world):
    tasks = caller_tasks(world.sup)
    assert [(t.kind, t.phone, t.name, t.campaign, t.seconds, t.has_recording) for t in tasks] == [
        ("voicemail", STRANGER, "", "", 4, True),
        ("callback", ASKER, "Awa Demande", "Ligne client", 0, False),
        ("voicemail", PAUL, "Paul Client", "Ligne client", 75, True)]
    assert tasks[0].at.count("/") == 2 and ":" in tasks[0].at

    with tenant_session(world.sup) as session:             # the dialer took the callback: no longer listed
        session.execute(update(Interaction).where(Interaction.slot == "callback").values(status="SENDING"))
        session.commit()
    assert [t.kind for t in caller_tasks(world.sup)] == ["voicemail", "voicemail"]


def test_handled_once_by_a_supervisor_of_the_tenant(world):
    message = world.ids[0]
    with pytest.raises(AccessDenied):
        mark_handled(context_for(world.tenant, Role.AGENT), message)
    with pytest.raises(PermissionError):                    # another tenant's supervisor: as if it did not exist
        mark_handled(context_for(new_tenant(), Role.SUPERVISOR), message)
    with pytest.raises(PermissionError):                    # not a message
        mark_handled(world.sup, world.ids[2])
    before = utcnow()
    mark_handled(world.sup, message)
    with tenant_session(world.sup) as session:
        row = session.get(Interaction, message)
        assert (row.status, row.qualification, row.agent_id) == ("WRAPPED_UP", HANDLED_CODE, None)
        assert row.form_answers[HANDLED_BY] == world.sup.full_name
        assert row.wrapup_ended_at >= before
    assert [t.phone for t in caller_tasks(world.sup)] == [STRANGER, ASKER]
    with pytest.raises(PermissionError):
        mark_handled(world.sup, message)
    admin = context_for(world.tenant, Role.ADMIN)
    mark_handled(admin, world.ids[1])
    assert [t.kind for t in caller_tasks(admin)] == ["callback"]
    with pytest.raises(AccessDenied):
        caller_tasks(context_for(world.tenant, Role.AGENT))
