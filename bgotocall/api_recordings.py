"""Listening to a call's recording (UC-VO-04): the WAV of one interaction, streamed with HTTP Range.

The request carries the browser's session cookie, resolved as a page does; the role (admins and
supervisors) and the tenant are checked on every request by services/voice/recordings.py: anyone else —
an agent, another tenant's supervisor, no session — gets the same 404 as a recording that does not exist.
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from bgotocall.owned_files import owned_file
from services.voice.recordings import AREA, recording_file


def _file(request: Request):
    interaction_id = int(request.path_params["interaction_id"])
    return owned_file(request, lambda ctx: recording_file(ctx, interaction_id), AREA,
                      "listen to a recording")


async def recording_download(request: Request) -> Response:
    path = await run_in_threadpool(_file, request)
    if path is None:
        return PlainTextResponse("Enregistrement introuvable.", status_code=404)
    # FileResponse answers Range requests (206) so the browser's player can seek.
    return FileResponse(path, media_type="audio/wav", filename=f"appel-{path.stem}.wav",
                        content_disposition_type="inline")


RECORDING_ROUTES = [Route("/api/enregistrements/{interaction_id:int}", recording_download)]
