"""Recordings: the simulator's MixMonitor WAV of an answered call of a recording campaign is moved into the
tenant's storage and linked on the interaction with its length; no file for a campaign that does not
record; the retention tick deletes what is older than the tenant's period; only the tenant's admins and
supervisors reach a recording (HTTP Range supported), anyone else gets 404."""
import asyncio
import wave
from datetime import timedelta

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bgotocall.api_recordings import RECORDING_ROUTES
from services.identity.login import log_in
from services.models.platform import Role
from services.tenant_settings import operating_settings, save_operating_settings
from services.voice.recordings import purge_expired, recording_file, storage_dir
from tests.services.voice.test_dialer import ANSWERS_TALKS_5S, BUSY, attempt, campaign_calling, ready, until, world  # noqa: F401
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user

APP = Starlette(routes=RECORDING_ROUTES)


@pytest.fixture
def monitor(world, tmp_path, monkeypatch):
    monkeypatch.setenv("BGC_MONITOR_DIR", str(tmp_path / "rec"))     # where the simulator writes (world's PBX)
    return tmp_path / "rec"


async def recorded_call(world, record: bool):
    campaign = campaign_calling(world, ANSWERS_TALKS_5S, record=record)
    await ready(world)
    return await until(lambda: (a := attempt(world, campaign, ANSWERS_TALKS_5S)) and a.status == "ENDED" and a)


def signed_in(tenant, role) -> str:
    return log_in(new_user(tenant, role), PASSWORD, "testclient").token


async def test_an_answered_call_is_recorded_linked_and_listened_to_by_supervisors_only(world, monitor):
    call = await recorded_call(world, record=True)
    call = await until(lambda: (a := attempt(world, call.campaign_id, ANSWERS_TALKS_5S)) and a.recording_url and a)
    path = storage_dir(world.supervisor.tenant_schema) / call.recording_url
    assert call.recording_url == f"{call.id}.wav" and path.is_file()
    with wave.open(str(path)) as audio:
        assert audio.getframerate() == 8000 and audio.getnframes() > 0
    assert 5 <= call.recording_seconds <= 10                 # the agent's leg: ring of the customer + 5 s talk
    assert list(monitor.glob("*.wav")) == []                 # moved, not copied

    assert recording_file(world.supervisor, call.id) == path
    assert recording_file(context_for(world.tenant, Role.ADMIN), call.id) == path
    assert recording_file(world.agent, call.id) is None
    assert recording_file(context_for(new_tenant(), Role.SUPERVISOR), call.id) is None

    link = f"/api/enregistrements/{call.id}"

    def get(session, **headers):
        return TestClient(APP, cookies={"bgc_session": session} if session else None).get(link, headers=headers)
    ok = await asyncio.to_thread(get, await asyncio.to_thread(signed_in, world.tenant, Role.SUPERVISOR))
    assert ok.status_code == 200 and ok.headers["content-type"] == "audio/wav" and ok.content == path.read_bytes()
    sup = await asyncio.to_thread(signed_in, world.tenant, Role.SUPERVISOR)
    part = await asyncio.to_thread(get, sup, range="bytes=0-99")
    assert part.status_code == 206 and len(part.content) == 100 and part.content == path.read_bytes()[:100]
    for stranger in (await asyncio.to_thread(signed_in, new_tenant(), Role.ADMIN),
                     await asyncio.to_thread(signed_in, world.tenant, Role.AGENT), ""):
        assert (await asyncio.to_thread(get, stranger)).status_code == 404


async def test_a_campaign_that_does_not_record_keeps_no_file(world, monitor):
    call = await recorded_call(world, record=False)
    assert call.recording_url == "" and list(monitor.glob("*.wav")) == []


async def test_an_unanswered_recorded_call_leaves_no_file(world, monitor):
    campaign = campaign_calling(world, BUSY, record=True)
    await ready(world)
    busy = await until(lambda: (a := attempt(world, campaign, BUSY)) and a.status == "ENDED" and a)
    await until(lambda: attempt(world, campaign, BUSY, step=1))
    assert busy.recording_url == "" and list(monitor.glob("*.wav")) == []


async def test_recordings_older_than_the_tenants_retention_are_deleted(world, monitor):
    call = await recorded_call(world, record=True)
    call = await until(lambda: (a := attempt(world, call.campaign_id, ANSWERS_TALKS_5S)) and a.recording_url and a)
    path = storage_dir(world.supervisor.tenant_schema) / call.recording_url
    admin = context_for(world.tenant, Role.ADMIN)
    current = operating_settings(admin)
    assert save_operating_settings(admin, current.timezone, current.default_country,
                                   "\n".join(current.pause_reasons), str(current.max_wrapup_seconds), "30") == {}
    await asyncio.to_thread(purge_expired, call.ended_at + timedelta(days=29))
    assert path.is_file() and attempt(world, call.campaign_id, ANSWERS_TALKS_5S).recording_url
    assert await asyncio.to_thread(purge_expired, call.ended_at + timedelta(days=31)) >= 1
    gone = attempt(world, call.campaign_id, ANSWERS_TALKS_5S)
    assert (gone.recording_url, gone.recording_seconds) == ("", 0) and not path.exists()
    assert recording_file(world.supervisor, call.id) is None
