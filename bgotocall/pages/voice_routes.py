"""The routes of the voice pages, added to the app."""
from __future__ import annotations

import reflex as rx

from bgotocall.pages.ivr import ivr_page
from bgotocall.pages.voice_agents import agents_page
from bgotocall.pages.voice_assign import assignment_page
from bgotocall.pages.supervision import supervision_page
from bgotocall.pages.voice_live import live_agents_page
from bgotocall.pages.wallboard import wallboard_page
from bgotocall.state.ivr import IvrState
from bgotocall.state.session import SessionState
from bgotocall.state.supervision import SupervisionState, WaitingCallsState
from bgotocall.state.voice import VoiceState
from bgotocall.state.voicemails import VoicemailsState
from bgotocall.state.voice_assign import AssignState
from bgotocall.state.wallboard import WallboardState


def add_voice_pages(app: rx.App) -> None:
    app.add_page(supervision_page, route="/supervision", title="Supervision",
                 on_load=[SessionState.enter_supervision, SupervisionState.load, WaitingCallsState.load,
                          VoicemailsState.load])
    app.add_page(wallboard_page, route="/mur", title="Mur d'affichage",
                 on_load=[SessionState.enter_supervision, WallboardState.load])
    app.add_page(agents_page, route="/agents", title="Agents",
                 on_load=[SessionState.enter_supervision, VoiceState.load_agents])
    app.add_page(live_agents_page, route="/supervision/agents", title="Agents en direct",
                 on_load=[SessionState.enter_supervision, VoiceState.load_agents])
    app.add_page(assignment_page, route="/supervision/affectation", title="Affectation à la demande",
                 on_load=[SessionState.enter_supervision, AssignState.load_board])
    app.add_page(ivr_page, route="/serveur-vocal", title="Serveur vocal",
                 on_load=[SessionState.enter_supervision, IvrState.load])
