"""A whole file imported in one call, with the mapping the wizard suggests (demo data, scripts).

The same steps as the import wizard (UC-CP-06 A–D), run back to back in this process instead of
by the worker: store, inspect, count, record the list, inject.
"""
from __future__ import annotations

import io

from services.audience.cleaning import DedupeOn
from services.audience.imports import (
    inspect_source, preview_contact_import, record_contact_import, store_upload,
)
from services.audience.injection import run_contact_import
from services.identity.access import AuthContext


def import_file(ctx: AuthContext, name: str, data: bytes, dedupe_on: str = DedupeOn.TELEPHONE.value) -> int:
    """The new list's id; it is "Prête" when this returns."""
    source = {"kind": "file", "upload": store_upload(ctx, io.BytesIO(data))}
    inspected = inspect_source(ctx, source)
    preview = preview_contact_import(ctx, source, inspected.suggested, dedupe_on)
    contact_list = record_contact_import(ctx, name, source, inspected.suggested, dedupe_on, preview.summary.total)
    run_contact_import(ctx.tenant_id, contact_list.id, ctx.user_id)
    return contact_list.id
