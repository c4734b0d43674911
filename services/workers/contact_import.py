"""Worker side of contact-list imports (UC-CP-06 step D)."""
from __future__ import annotations

import dramatiq

from services.audience.injection import run_contact_import
from services.workers import broker  # noqa: F401  (the broker must exist before actors)

# A failed import is reported on its list ("Échec" and the reason), never retried blindly;
# a million rows take well under a minute, the limit leaves room for slow remote databases.
@dramatiq.actor(queue_name="imports", max_retries=0, time_limit=2 * 3600 * 1000)
def import_contact_list(tenant_id: int, list_id: int, user_id: int | None) -> None:
    run_contact_import(tenant_id, list_id, user_id)
