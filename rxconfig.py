import os

import reflex as rx

config = rx.Config(
    app_name="bgotocall",
    frontend_port=int(os.environ.get("BGC_WEB_PORT", 3000)),
    backend_port=int(os.environ.get("BGC_BACKEND_PORT", 8000)),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(
        theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],       # pages behind a login: nothing to list
)
