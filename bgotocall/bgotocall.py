"""B-GOTOCALL OS: the browser app. Pages here, everything else in services/."""
from __future__ import annotations

import reflex as rx

from bgotocall.api import routes
from bgotocall.lease_locks import give_each_worker_its_lock_identity
from bgotocall.upload_gate import UploadGate
from bgotocall.live import lease_lock_keeper, live_listener, subscription_keeper, tune_garbage_collector
from bgotocall.pages.agent import agent_page
from bgotocall.pages.conversations import conversations_page
from bgotocall.state.conversations import ConversationBadgeState, ConversationsState
from bgotocall.pages.audience import audience_page, contacts_page
from bgotocall.pages.audience_import import audience_import_page
from bgotocall.pages.blacklist import blacklist_page
from bgotocall.pages.auth import forbidden_page, forgot_page, login_page, reset_page
from bgotocall.pages.billing_routes import add_billing_pages
from bgotocall.pages.settings import settings_page
from bgotocall.pages.teams import teams_page
from bgotocall.pages.voice_routes import add_voice_pages
from bgotocall.pages.campaigns_routes import add_campaign_pages
from bgotocall.state.audience import AudienceState, ContactSearchState
from bgotocall.state.audience_import import AudienceImportState
from bgotocall.state.blacklist import BlacklistState
from bgotocall.state.campaigns_agent import AgentCampaignsState
from bgotocall.state.password import PasswordState
from bgotocall.state.session import SessionState
from bgotocall.state.settings import SupervisorsState
from bgotocall.state.tenant_settings import TenantSettingsState
from bgotocall.state.teams import TeamsState

app = rx.App(
    html_lang="fr",
    api_transformer=[routes, UploadGate],
)

tune_garbage_collector()
give_each_worker_its_lock_identity(app)
app.register_lifespan_task(live_listener(app))
app.register_lifespan_task(subscription_keeper(app))
app.register_lifespan_task(lease_lock_keeper(app))

app.add_page(rx.fragment(), route="/", on_load=SessionState.go_home, title="B-GOTOCALL OS")
add_billing_pages(app)
add_voice_pages(app)
add_campaign_pages(app)
app.add_page(login_page, route="/connexion", title="Connexion — B-GOTOCALL OS",
             on_load=SessionState.leave_login_page_if_signed_in)
app.add_page(forgot_page, route="/mot-de-passe-oublie", title="Mot de passe oublié")
app.add_page(reset_page, route="/reinitialiser", title="Nouveau mot de passe",
             on_load=PasswordState.open_reset_page)
app.add_page(forbidden_page, route="/interdit", title="Accès refusé",
             on_load=SessionState.enter_any)
# The campaigns are read again at every (re)connection: a tab back from a network drop may have
# missed a version pushed while its hydrate was in flight.
app.add_page(agent_page, route="/bandeau", title="Bandeau agent",
             on_load=[SessionState.enter_agent_panel, AgentCampaignsState.load_agent_campaigns,
                      ConversationBadgeState.load_badge])
app.add_page(conversations_page, route="/conversations", title="Conversations",
             on_load=ConversationsState.enter_conversations)
app.add_page(teams_page, route="/equipes", title="Équipes",
             on_load=[SessionState.enter_supervision, TeamsState.load_teams])
app.add_page(audience_page, route="/audience", title="Audience",
             on_load=[AudienceState.enter_audience, AudienceState.load_lists])
app.add_page(audience_import_page, route="/audience/import", title="Importer une liste",
             on_load=AudienceImportState.open_wizard)
app.add_page(contacts_page, route="/contacts", title="Recherche de contacts",
             on_load=ContactSearchState.enter_contacts)
app.add_page(blacklist_page, route="/liste-noire", title="Liste noire",
             on_load=[BlacklistState.enter_blacklist, BlacklistState.load])
app.add_page(settings_page, route="/parametres", title="Paramètres",
             on_load=[SessionState.enter_tenant_settings, SupervisorsState.load, TenantSettingsState.load])
