"""The routes of onboarding, billing and the super admin console, added to the app."""
from __future__ import annotations

import reflex as rx

from bgotocall.pages import billing, onboarding
from bgotocall.state.billing import BillingState, TenantsConsoleState
from bgotocall.state.checkout import CheckoutState
from bgotocall.state.configurator import ConfiguratorState
from bgotocall.state.session import SessionState
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
                 on_load=[SessionState.enter_billing, BillingState.load])
    app.add_page(billing.documents_page, route="/documents", title="Documents",
                 on_load=[SessionState.enter_billing, BillingState.load])
    app.add_page(billing.tenants_page, route="/plateforme/instances", title="Instances",
                 on_load=[SessionState.enter_platform, TenantsConsoleState.load])
