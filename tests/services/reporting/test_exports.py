"""Exports: chosen columns (form answers too), CSV with BOM or XLSX, formulas escaped,
progress recorded, and the file reachable from its own tenant only."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.models.platform import Role
from services.models.reporting import ExportState
from services.reporting.exports import ExportError, export_file, record_export, run_export
from services.reporting.journal import JournalFilter
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign, production_day

DAY_START = datetime(2026, 11, 20, tzinfo=ZoneInfo("Africa/Douala"))
COLUMNS = ["date", "agent", "qualification", "commentaire", "form:montant"]
NASTY = ["=HYPERLINK(\"http://evil\")", "+33 6 12", "-2+3", "@SUM(A1)", "\tcmd"]


@pytest.fixture(scope="module")
def campaign():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    agent = new_agent(tenant)[1]
    campaign_id = new_report_campaign(ctx)
    rows = production_day(campaign_id, [agent], DAY_START, 60, seed=9)
    for row, text in zip((r for r in rows if r["channel"] == "VOIX"), NASTY):
        row["form_answers"] = {"comment": text, "montant": "15000"}
    add_interactions(ctx, rows)
    return dict(ctx=ctx, tenant=tenant, id=campaign_id, rows=rows)


def expected_cells(rows, code=None):
    """(qualification, comment, montant) of each row, oldest first, formulas escaped."""
    def esc(text):
        return "'" + text if text and text[0] in "=+-@\t\r\n" else text
    chosen = sorted((r for r in rows if code is None or r.get("qualification") == code),
                    key=lambda r: r["queued_at"])
    return [(r.get("qualification", ""), esc((r.get("form_answers") or {}).get("comment", "")),
             (r.get("form_answers") or {}).get("montant", "")) for r in chosen]


def test_xlsx_with_chosen_columns_opens_with_escaped_formulas(campaign):
    ctx = campaign["ctx"]
    export = record_export(ctx, campaign["id"], COLUMNS, "xlsx")
    done = run_export(ctx.tenant_id, ctx.user_id, export.id)
    assert done.state == ExportState.PRET.value and done.rows_written == done.rows_total == 60
    path, name = export_file(ctx, export.token)
    assert name.endswith(".xlsx")
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Date", "Agent", "Qualification", "Commentaire", "Montant")
    assert [tuple(r[2:]) for r in rows[1:]] == [
        tuple(c or None for c in cells) for cells in expected_cells(campaign["rows"])]
    comments = {r[3] for r in rows[1:]}
    assert {"'" + text for text in NASTY} <= comments
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for r in rows for c in r)


def test_csv_has_a_bom_and_the_filtered_rows(campaign):
    ctx = campaign["ctx"]
    export = record_export(ctx, campaign["id"], COLUMNS, "csv", JournalFilter(code="VENTE"))
    assert run_export(ctx.tenant_id, ctx.user_id, export.id).state == ExportState.PRET.value
    path, _ = export_file(ctx, export.token)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Date", "Agent", "Qualification", "Commentaire", "Montant"]
    want = expected_cells(campaign["rows"], "VENTE")
    assert want and [tuple(r[2:]) for r in table[1:]] == want


def test_another_tenant_cannot_reach_the_file(campaign):
    ctx = campaign["ctx"]
    export = record_export(ctx, campaign["id"], ["date"], "csv")
    run_export(ctx.tenant_id, ctx.user_id, export.id)
    assert export_file(ctx, export.token) is not None
    stranger = context_for(new_tenant(), Role.ADMIN)
    assert export_file(stranger, export.token) is None


def test_unknown_columns_or_format_are_refused(campaign):
    with pytest.raises(ExportError):
        record_export(campaign["ctx"], campaign["id"], ["date", "body"], "csv")
    with pytest.raises(ExportError):
        record_export(campaign["ctx"], campaign["id"], [], "csv")
    with pytest.raises(ExportError):
        record_export(campaign["ctx"], campaign["id"], ["date"], "pdf")
