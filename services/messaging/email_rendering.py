"""A campaign email as it leaves: the Quill HTML of the email slot made into a real email,
one function for every email adapter (SendGrid, SMTP).

- the HTML in a document whose styles (Quill's classes: alignment, sizes, indents) are
  inlined into `style` attributes (css-inline), since mail clients drop <style> blocks;
- every http(s) link but the unsubscribe one goes through a signed click redirect, and an
  open pixel closes the body (services/messaging/tracking.py);
- images stay links to where they are hosted (never attached, never inlined as data);
- the plain-text part ends with the unsubscribe address when the author's text lacks it;
- `List-Unsubscribe` (the signed link) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
  (RFC 8058), so mail clients offer their own one-click unsubscribe button.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

import css_inline

from services.messaging.tracking import click_url, open_url
from services.messaging.unsubscribe import unsubscribe_url

QUILL_CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1f2933; }
p { margin: 0 0 12px 0; }
a { color: #1d4ed8; }
img { max-width: 100%; height: auto; border: 0; }
.ql-align-center { text-align: center; } .ql-align-right { text-align: right; }
.ql-align-justify { text-align: justify; }
.ql-size-small { font-size: 12px; } .ql-size-large { font-size: 20px; }
.ql-size-huge { font-size: 28px; }
.ql-indent-1 { padding-left: 3em; } .ql-indent-2 { padding-left: 6em; }
.ql-indent-3 { padding-left: 9em; }
"""
_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
_HREF = re.compile(r'(<a\b[^>]*?\bhref=)(["\'])(.*?)\2', re.I | re.S)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_LINKED_SRC = re.compile(r'\bsrc=(["\'])\s*https?://', re.I)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    html: str
    text: str
    headers: dict[str, str] = field(default_factory=dict)


def _tracked_links(body: str, tenant_id: int, attempt_id: int) -> str:
    """Every web link through the click redirect, but our own unsubscribe links."""
    ours = unsubscribe_url(tenant_id, attempt_id).partition("?")[0]

    def replace(match: re.Match) -> str:
        target = html_lib.unescape(match.group(3)).strip()
        if not re.match(r"https?://", target, re.I) or target.startswith(ours):
            return match.group(0)
        tracked = html_lib.escape(click_url(tenant_id, attempt_id, target), quote=True)
        return f"{match.group(1)}{match.group(2)}{tracked}{match.group(2)}"
    return _HREF.sub(replace, body)


def _linked_images_only(body: str) -> str:
    """An image is a link to where it is hosted; one carried in the mail (data:) or without
    an address is dropped, never attached."""
    return _IMG.sub(lambda m: m.group(0) if _LINKED_SRC.search(m.group(0)) else "", body)


def render_email(tenant_id: int, attempt_id: int, subject: str, html: str,
                 text: str) -> RenderedEmail:
    """The personalised subject, HTML and text of one attempt, as sent."""
    unsubscribe = unsubscribe_url(tenant_id, attempt_id)
    body = _tracked_links(_linked_images_only(html or ""), tenant_id, attempt_id)
    pixel = (f'<img src="{html_lib.escape(open_url(tenant_id, attempt_id), quote=True)}" '
             'width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">')
    document = (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
                f"<title>{html_lib.escape(subject)}</title><style>{QUILL_CSS}</style></head>"
                f"<body>{body}{pixel}</body></html>")
    if unsubscribe not in text:
        text = f"{text.rstrip()}\n\n--\nSe désinscrire : {unsubscribe}\n"
    return RenderedEmail(subject, _INLINER.inline(document), text, {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    })
