"""The routes of onboarding, billing and the super admin console, added to the app."""
from __future__ import annotations

import reflex as rx

from bgotocall.pages import billing, dashboard, onboarding, platform_console
from bgotocall.state.billing import BillingState, TenantsConsoleState
from bgotocall.state.checkout import CheckoutState
from bgotocall.state.configurator import ConfiguratorState
from bgotocall.state.dashboard import DashboardState
from bgotocall.state.platform_console import (
    PlatformHomeState, PlatformOptionsState, PricesState, ProvisioningState, SellerState,
)
from bgotocall.state.plan import PlanState
from bgotocall.state.session import SessionState
from bgotocall.state.supervision import SupervisionState
from bgotocall.state.signup import SignupState


def add_billing_pages(app: rx.App) -> None:
    app.add_page(onboarding.signup_page, route="/inscription", title="Créer une instance",
                 on_load=SignupState.open_signup)
    app.add_page(onboarding.verify_page, route="/inscription/verifier",
                 title="Vérification de l'email", on_load=SignupState.verify)
    app.add_page(onboarding.configurator_page, route="/configurateur",
                 title="Choisissez vos services",
                 on_load=[SessionState.enter_billing, ConfiguratorState.load])
    app.add_page(onboarding.confirmation_page, route="/paiement/confirmation",
                 title="Confirmation du paiement",
                 on_load=[SessionState.enter_billing, CheckoutState.watch])
    app.add_page(onboarding.cancel_page, route="/paiement/annule", title="Paiement non abouti",
                 on_load=[SessionState.enter_billing, CheckoutState.watch])
    app.add_page(billing.billing_page, route="/facturation", title="Facturation",
                 on_load=[SessionState.enter_billing, BillingState.load, PlanState.load, CheckoutState.watch])
    app.add_page(billing.documents_page, route="/documents", title="Documents",
                 on_load=[SessionState.enter_billing, BillingState.load])
    app.add_page(billing.tenants_page, route="/plateforme/instances", title="Instances",
                 on_load=[SessionState.enter_platform, TenantsConsoleState.load])
    app.add_page(platform_console.platform_home, route="/plateforme", title="Plateforme",
                 on_load=[SessionState.enter_platform, PlatformHomeState.load, PlatformOptionsState.load,
                          SellerState.load])
    app.add_page(platform_console.prices_page, route="/plateforme/tarifs",
                 title="Grille tarifaire",
                 on_load=[SessionState.enter_platform, PricesState.load])
    app.add_page(platform_console.provisioning_page, route="/plateforme/provisionnement",
                 title="Provisionnement",
                 on_load=[SessionState.enter_platform, ProvisioningState.open_log])
    app.add_page(dashboard.dashboard_page, route="/tableau-de-bord", title="Tableau de bord",
                 on_load=[SessionState.enter_billing, DashboardState.load, SupervisionState.load])
