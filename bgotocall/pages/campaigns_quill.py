"""Quill (react-quill-new, React 19 compatible) wrapped as a Reflex component.

Uncontrolled: the editor starts from `default_value` and reports each change; give it a
`key` that changes when the document is reloaded (rollback) so it starts again from it.
Rendered on the client only (Quill needs `document`).
"""
from __future__ import annotations

import reflex as rx

QUILL_PACKAGE = "react-quill-new@3.8.3"
TOOLBAR = [[{"header": [1, 2, False]}], ["bold", "italic", "underline", "strike"],
           [{"list": "ordered"}, {"list": "bullet"}], [{"align": []}], ["link"], ["clean"]]


class QuillEditor(rx.NoSSRComponent):
    library = QUILL_PACKAGE
    tag = "ReactQuill"
    is_default = True

    default_value: rx.Var[str]
    theme: rx.Var[str]
    placeholder: rx.Var[str]
    modules: rx.Var[dict]
    read_only: rx.Var[bool]

    # onChange(content, delta, source, editor): only the HTML goes to the server.
    on_change: rx.EventHandler[lambda content, delta, source, editor: [content]]

    def add_imports(self) -> dict:
        return {"": ["react-quill-new/dist/quill.snow.css"]}


def rich_text(default_value, on_change, key, test_id: str, placeholder: str = "") -> rx.Component:
    return rx.box(
        QuillEditor.create(default_value=default_value, on_change=on_change, theme="snow",
                           placeholder=placeholder, modules={"toolbar": TOOLBAR}, key=key),
        width="100%", background="white", data_testid=test_id,
        class_name="bgc-rich-text",
        style={"& .ql-editor": {"min_height": "160px", "font_size": "15px"}},
    )
