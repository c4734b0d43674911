"""The import wizard: A Source, B Correspondance, C Nettoyage, D Validation (UC-CP-06)."""
from __future__ import annotations

import reflex as rx

from bgotocall.components.shell import page_header, role_shell
from bgotocall.i18n import t
from bgotocall.pages.audience import field_kind_select, label
from bgotocall.state.audience_import import UPLOAD_ID, AudienceImportState as S
from bgotocall.components.forms import spreadsheet_upload, submit_button

STEPS = [("A", "audience.step.a"), ("B", "audience.step.b"), ("C", "audience.step.c"),
         ("D", "audience.step.d")]


def _stepper() -> rx.Component:
    def step(index: int, letter: str, key: str) -> rx.Component:
        current, done = S.step == index, S.step > index
        return rx.hstack(
            rx.center(rx.cond(done, rx.icon("check", size=14), rx.text(letter, size="2", weight="bold")),
                      width="28px", height="28px", border_radius="50%",
                      background=rx.cond(current | done, rx.color("indigo", 9), rx.color("gray", 4)),
                      color=rx.cond(current | done, "white", rx.color("gray", 11))),
            rx.text(t(key), size="2", weight=rx.cond(current, "bold", "regular")),
            align="center", spacing="2", cursor=rx.cond(done, "pointer", "default"),
            on_click=S.go_to_step(index), data_testid=f"step-{letter}",
            aria_current=rx.cond(current, "step", ""))
    items = []
    for index, (letter, key) in enumerate(STEPS):
        if index:
            items.append(rx.separator(size="2", width="48px"))
        items.append(step(index, letter, key))
    return rx.hstack(*items, align="center", spacing="3", data_testid="stepper")


def _error() -> rx.Component:
    return rx.cond(S.error != "", rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")), rx.callout.text(S.error, data_testid="import-error"),
        color_scheme="red", width="100%", role="alert"))


def _columns_found() -> rx.Component:
    return rx.cond(S.columns.length() > 0, rx.vstack(
        rx.hstack(
            rx.vstack(rx.text(t("audience.upload.file"), size="1", color=rx.color("gray", 11)),
                      rx.text(S.file_name, weight="medium", data_testid="file-name"), spacing="0"),
            rx.cond(S.kind == "csv", rx.hstack(
                rx.vstack(rx.text(t("audience.upload.encoding"), size="1", color=rx.color("gray", 11)),
                          rx.text(S.encoding, data_testid="encoding"), spacing="0"),
                rx.vstack(label("audience.upload.separator", "separator"),
                          rx.select(S.delimiter_options, value=S.delimiter_label, id="separator",
                                    on_change=S.choose_delimiter),
                          spacing="1"),
                spacing="5")),
            spacing="6", align="end"),
        rx.cond(~S.confident, rx.callout.root(
            rx.callout.icon(rx.icon("circle-help")), rx.callout.text(t("audience.upload.unsure")),
            color_scheme="amber", data_testid="separator-unsure")),
        rx.text(t("audience.columns"), " : ", S.columns.join(" · "), size="2", data_testid="columns"),
        rx.button(t("audience.continue"), rx.icon("arrow-right", size=16), on_click=S.to_mapping,
                  data_testid="to-mapping"),
        spacing="3", width="100%"))


def _file_source() -> rx.Component:
    return rx.vstack(
        spreadsheet_upload(
            rx.vstack(rx.icon("file-up", size=32, color=rx.color("indigo", 9)),
                      rx.text(t("audience.upload.drop"), weight="medium"),
                      rx.text(t("audience.upload.limit"), size="1", color=rx.color("gray", 11)),
                      align="center", spacing="2"),
            upload_id=UPLOAD_ID, on_drop=S.receive_file(rx.upload_files(upload_id=UPLOAD_ID)),
            border=f"2px dashed {rx.color('indigo', 7)}", border_radius="12px", padding="2rem",
            width="100%", cursor="pointer", data_testid="upload-zone"),
        rx.cond(S.busy, rx.hstack(rx.spinner(), rx.text("…"))),
        _columns_found(), width="100%", spacing="4")


def _field(key: str, name: str, help_key: str = "", **props) -> rx.Component:
    return rx.vstack(label(key, f"db-{name}", props.pop("required", False)),
                     rx.input(id=f"db-{name}", name=name, width="100%", **props),
                     rx.cond(help_key != "", rx.text(t(help_key) if help_key else "", size="1",
                                                     color=rx.color("gray", 11))),
                     spacing="1", width="100%")


def _database_source() -> rx.Component:
    return rx.form(rx.vstack(
        _field("audience.db.url", "url", "audience.db.url.help", required=True,
               placeholder="mysql://crm.example.com:3306/clients"),
        rx.hstack(_field("audience.db.login", "login"),
                  _field("audience.db.password", "password", type="password"), width="100%", spacing="4"),
        _field("audience.db.table", "table", placeholder="clients"),
        rx.vstack(label("audience.db.query", "db-query"),
                  rx.text_area(id="db-query", name="query", width="100%", rows="3",
                               placeholder="SELECT nom, cell_phone FROM clients WHERE actif = 1"),
                  spacing="1", width="100%"),
        rx.text(t("audience.db.help"), size="1", color=rx.color("gray", 11)),
        submit_button(rx.cond(S.busy, rx.spinner(), rx.icon("plug", size=16)), t("audience.db.connect"),
                  busy=S.busy, data_testid="db-connect"),
        spacing="3", width="100%"), on_submit=S.connect_database, width="100%")


def _step_a() -> rx.Component:
    return rx.vstack(
        rx.segmented_control.root(
            rx.segmented_control.item(t("audience.source.file"), value="file"),
            rx.segmented_control.item(t("audience.source.database"), value="database"),
            value=S.mode, on_change=S.set_mode, data_testid="source-mode"),
        rx.cond(S.mode == "file", _file_source(), _database_source()),
        width="100%", spacing="4")


def _mapping_row(field) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("{", field, "}", weight="medium")),
        rx.table.cell(rx.select(S.options, value=S.mapping[field],
                                on_change=lambda option: S.set_mapping(field, option),
                                aria_label=field)),
    )


def _unkept_column(option) -> rx.Component:
    return rx.hstack(
        rx.icon("eye-off", size=16, color=rx.color("amber", 11)),
        rx.text(option, weight="medium", min_width="160px"),
        rx.button(rx.icon("plus", size=14), t("audience.unkept.keep"), size="1", variant="soft",
                  on_click=S.open_new_field(option), data_testid="keep-column"),
        align="center", spacing="3", data_testid="unkept-column")


def _unkept_columns() -> rx.Component:
    """The columns that will not be imported, each with a way to keep it in a new custom field."""
    return rx.cond(
        S.unkept.length() > 0,
        rx.callout.root(rx.vstack(
            rx.text(t("audience.unkept.title"), weight="bold"),
            rx.text(t("audience.unkept.help"), size="2"),
            rx.foreach(S.unkept, _unkept_column), spacing="2"),
            color_scheme="amber", width="100%", data_testid="unkept-columns"),
        rx.text(rx.icon("circle-check", size=14, display="inline"), " ", t("audience.unkept.none"),
                size="2", color=rx.color("green", 11), data_testid="all-columns-kept"))


def _new_field_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(t("audience.newfield.title")),
        rx.dialog.description(t("audience.newfield.text"), " « ", S.new_field_column, " ».", size="2"),
        rx.form(rx.vstack(
            rx.hstack(
                rx.vstack(label("audience.fields.name", "new-field-name", required=True),
                          rx.input(id="new-field-name", name="name", default_value=S.new_field_name,
                                   max_length=60, required=True, width="240px"), spacing="1"),
                field_kind_select("new-field-kind"), spacing="3", align="end"),
            rx.text(t("audience.newfield.kinds"), size="1", color=rx.color("gray", 11)),
            rx.cond(S.new_field_error != "", rx.text(S.new_field_error, color=rx.color("red", 11), size="2",
                                                     data_testid="new-field-error")),
            rx.hstack(rx.dialog.close(rx.button(t("audience.cancel"), variant="soft", color_scheme="gray",
                                                type="button")),
                      submit_button(rx.icon("plus", size=16), t("audience.newfield.create"),
                                    data_testid="create-field"),
                      justify="end", spacing="3", width="100%"),
            spacing="3"), on_submit=S.create_field, reset_on_submit=False),
        max_width="520px"), open=S.new_field_open, on_open_change=S.set_new_field_open)


def _step_b() -> rx.Component:
    return rx.vstack(
        rx.text(t("audience.mapping.help"), size="2", color=rx.color("gray", 11)),
        rx.table.root(
            rx.table.header(rx.table.row(rx.table.column_header_cell(t("audience.mapping.field")),
                                         rx.table.column_header_cell(t("audience.mapping.column")))),
            rx.table.body(rx.foreach(S.fields, _mapping_row)), size="1", data_testid="mapping-table"),
        _unkept_columns(), _new_field_dialog(),
        rx.heading(t("audience.mapping.sample"), size="3"),
        rx.box(rx.table.root(
            rx.table.header(rx.table.row(rx.foreach(S.sample_headers,
                                                    lambda h: rx.table.column_header_cell("{", h, "}")))),
            rx.table.body(rx.foreach(S.sample, lambda row: rx.table.row(
                rx.foreach(row, lambda cell: rx.table.cell(cell))))),
            size="1", variant="surface", data_testid="sample-table"), width="100%", overflow_x="auto"),
        rx.hstack(rx.button(t("audience.back"), variant="soft", on_click=S.go_to_step(0)),
                  rx.button(t("audience.continue"), rx.icon("arrow-right", size=16), on_click=S.to_rules,
                            data_testid="to-rules"), spacing="3"),
        width="100%", spacing="4")


def _step_c() -> rx.Component:
    return rx.vstack(
        rx.vstack(rx.text(t("audience.rules.dedupe"), size="2", weight="medium"),
                  rx.radio_group.root(
                      rx.vstack(rx.radio_group.item(t("audience.rules.phone"), value="telephone"),
                                rx.radio_group.item(t("audience.rules.id"), value="identifiant")),
                      value=S.dedupe_on, on_change=S.set_dedupe_on), spacing="2"),
        rx.callout.root(rx.callout.icon(rx.icon("phone")), rx.callout.text(t("audience.rules.format")),
                        color_scheme="gray"),
        rx.callout.root(rx.callout.icon(rx.icon("ban")), rx.callout.text(t("audience.rules.blacklist")),
                        color_scheme="gray"),
        rx.hstack(rx.button(t("audience.back"), variant="soft", on_click=S.go_to_step(1)),
                  rx.button(rx.cond(S.busy, rx.spinner(), rx.icon("sparkles", size=16)),
                            rx.cond(S.busy, t("audience.rules.analysing"), t("audience.rules.analyse")),
                            on_click=S.analyse, disabled=S.busy, data_testid="analyse"), spacing="3"),
        width="100%", spacing="4")


def _figure(value, key: str, color: str, testid: str) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(value, size="7", color=rx.color(color, 11), data_testid=testid),
                             rx.text(t(key), size="2"), spacing="1", align="center"), min_width="150px")


def _step_d() -> rx.Component:
    return rx.vstack(
        rx.text(S.total, " ", t("audience.summary.detected"), ", ", S.errors, " ",
                t("audience.summary.errors"), ", ", S.duplicates, " ", t("audience.summary.duplicates"),
                ", ", S.blacklisted, " ", t("audience.summary.blacklisted"),
                size="4", weight="medium", data_testid="summary"),
        rx.hstack(_figure(S.total, "audience.summary.detected", "gray", "count-total"),
                  _figure(S.errors, "audience.summary.errors", "red", "count-errors"),
                  _figure(S.duplicates, "audience.summary.duplicates", "amber", "count-duplicates"),
                  _figure(S.blacklisted, "audience.summary.blacklisted", "gray", "count-blacklisted"),
                  wrap="wrap", spacing="3"),
        rx.text(rx.text.strong(S.accepted), " ", t("audience.summary.accepted"), data_testid="accepted"),
        rx.cond(S.email_only > 0, rx.callout.root(
            rx.callout.icon(rx.icon("mail")),
            rx.callout.text(S.email_only, " ", t("audience.summary.email_only"), data_testid="email-only"),
            color_scheme="blue")),
        rx.link(rx.hstack(rx.icon("download", size=16), t("audience.summary.report"), align="center"),
                href=S.report_url, data_testid="report-link"),
        rx.form(rx.vstack(
            label("audience.list.name", "list-name", required=True),
            rx.input(id="list-name", name="name", required=True, max_length=200, width="320px"),
            rx.hstack(rx.button(t("audience.back"), variant="soft", type="button", on_click=S.go_to_step(2)),
                      submit_button(rx.icon("database-zap", size=16), t("audience.import.start"), data_testid="start-import"), spacing="3"),
            spacing="2"), on_submit=S.start_import),
        width="100%", spacing="4")


def audience_import_page() -> rx.Component:
    return role_shell(
        page_header("audience.import.title", "audience.import.context"),
        rx.card(rx.vstack(
            _stepper(), rx.separator(), _error(),
            rx.match(S.step, (0, _step_a()), (1, _step_b()), (2, _step_c()), _step_d()),
            width="100%", spacing="4"), width="100%"))
