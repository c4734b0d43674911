"""Form parts shared by every page."""
from __future__ import annotations

import reflex as rx


def submit_button(*children, busy: rx.Var | bool = False, **props) -> rx.Component:
    """A submit button that stays disabled until the page is connected to the server.

    Before hydration a form would submit natively (a GET putting the fields, passwords
    included, in the address bar); a disabled submit button also blocks Enter.
    """
    ready = rx.State.is_hydrated
    disabled = ~ready | busy if isinstance(busy, rx.Var) else ~ready if not busy else True
    return rx.button(*children, type="submit", disabled=disabled, **props)


def field(label: rx.Var | str, name: str, errors: rx.Var, *, value=None, required: bool = True,
          textarea: bool = False, prefix: str = "", **props) -> rx.Component:
    """A labelled input (or text area) with its error under it; `errors` maps names to messages.
    `prefix` keeps ids unique when two forms of a page share field names."""
    field_id = f"{prefix}{name}"
    control = (rx.text_area if textarea else rx.input)(
        id=field_id, name=name, width="100%",
        **({"default_value": value, "key": value} if value is not None else {}), **props)
    return rx.vstack(
        rx.text(label, " *" if required else "", as_="label", html_for=field_id, size="2",
                weight="medium"),
        control,
        rx.cond(errors.contains(name),
                rx.text(errors[name], color=rx.color("red", 11), size="1",
                        data_testid=f"error-{field_id}")),
        spacing="1", width="100%")


# What the import zones take: CSV (some exports name it .txt) and Excel workbooks.
SPREADSHEETS = {"text/csv": [".csv", ".txt"],
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"]}


def spreadsheet_upload(*children, upload_id: str, on_drop, **props) -> rx.Component:
    """An upload zone for one CSV or Excel file; a refused file is explained in the page's
    language (the component's own message is in English). The zone takes a file only once the
    page is connected: a file dropped before would be read, then cleared by the page's on_load."""
    from bgotocall.i18n import t

    ready = rx.State.is_hydrated
    return rx.box(
        rx.upload(*children, id=upload_id, multiple=False, max_files=1, accept=SPREADSHEETS,
                  on_drop=on_drop, on_drop_rejected=rx.toast.error(t("upload.refused")),
                  disabled=~ready, **props),
        custom_attrs={"data-upload-ready": ready}, width=props.get("width", "auto"))
