"""Worker side of the campaign data exports (UC-CP-06)."""
from __future__ import annotations

import dramatiq

from services.reporting.exports import run_export
from services.workers import broker  # noqa: F401  (the broker must exist before actors)


# A failed export is shown on the page ("Échec" and the reason) and started again by the
# user, never retried blindly.
@dramatiq.actor(queue_name="reports", max_retries=0, time_limit=3600 * 1000)
def export_campaign_data(tenant_id: int, user_id: int | None, export_id: int) -> None:
    run_export(tenant_id, user_id, export_id)
