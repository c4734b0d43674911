"""Worker side of billing: after a confirmed payment, provisioning and the invoice."""
from __future__ import annotations

import dramatiq

from services.workers import broker  # noqa: F401  (the broker must exist before actors)


@dramatiq.actor(queue_name="billing", max_retries=5)
def after_payment(payment_id: int) -> None:
    from services.billing.invoices import issue_purchase_invoice
    from services.db.engine import platform_session
    from services.models.billing import Payment
    from services.onboarding.provisioning import run_provisioning

    with platform_session() as s:
        payment = s.get(Payment, payment_id)
    if payment.purpose == "onboarding":
        run_provisioning(payment.tenant_id)  # a failed step is retried from the console
    issue_purchase_invoice(payment_id)


@dramatiq.actor(queue_name="billing", max_retries=0)
def provision_tenant(tenant_id: int) -> None:
    from services.onboarding.provisioning import run_provisioning

    run_provisioning(tenant_id)


@dramatiq.actor(queue_name="billing", max_retries=3)
def monthly_invoices() -> None:
    from services.billing.invoices import issue_monthly_invoices

    issue_monthly_invoices()
