"""The synthesis report of a campaign (UC-CP-05 step 3): a PDF (xhtml2pdf) with the figures,
the charts as images (drawn with Pillow) and the qualification and agent tables."""
from __future__ import annotations

import base64
import io
from html import escape

from PIL import Image, ImageDraw

from services.billing.documents import html_to_pdf
from services.models.columns import utcnow
from services.reporting import text
from services.reporting.dashboard import Dashboard, campaign_dashboard
from services.reporting.exports import file_stem

FIGURE_LABELS = (
    ("volume", "Volume"), ("calls", "Appels"), ("messages", "Messages"),
    ("progress", "Progression"), ("remaining", "Contacts restants"),
    ("attempted", "Taux de tentative"), ("reached", "Taux de joignabilité"),
    ("success", "Taux de succès"), ("dmt", "DMT (com. + post-appel)"),
    ("talk", "Temps de communication"), ("wait", "Attente moyenne (entrants)"),
    ("sla", "SLA (répondus en 20 s au plus)"), ("abandon", "Taux d'abandon"), ("cost", "Coût"),
)
INK, BARS = (55, 65, 81), ((79, 70, 229), (22, 163, 74))


def bar_chart(labels: list[str], series: list[list[int]], width=900, height=260) -> bytes:
    """Grouped bars as a PNG: one group per label, one colour per series."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    top = max([1] + [v for values in series for v in values])
    left, bottom, usable = 10, height - 20, height - 40
    group = (width - 2 * left) / max(1, len(labels))
    bar = max(1.0, group * 0.8 / max(1, len(series)))
    for i, label in enumerate(labels):
        x = left + i * group
        for s, values in enumerate(series):
            h = usable * values[i] / top
            draw.rectangle([x + s * bar, bottom - h, x + (s + 1) * bar - 1, bottom],
                           fill=BARS[s % len(BARS)])
        draw.text((x, bottom + 4), label, fill=INK)
    draw.line([left, bottom, width - left, bottom], fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _img(png: bytes) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(png).decode()}" width="520"/>'


def _table(head: list[str], rows: list[list[object]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def synthesis_html(board: Dashboard) -> str:
    f = board.figures
    values = text.summary(f)
    p = f.period
    hours = [h for h in board.hours if h.calls or h.messages] or board.hours[8:20]
    hours_png = bar_chart([f"{h.hour}h" for h in hours], [[h.calls for h in hours],
                                                          [h.messages for h in hours]])
    codes_png = bar_chart([c.code[:10] for c in board.codes], [[c.count for c in board.codes]])
    funnel = [[x.channel, x.sent, x.delivered, x.read, x.clicked, x.failed, x.opted_out]
              for x in f.funnel]
    return f"""<html><head><meta charset="utf-8"/><style>
@page {{ size: a4 portrait; margin: 1.5cm; }}
body {{ font-family: Helvetica; font-size: 10pt; color: #1f2937; }}
h1 {{ font-size: 16pt; margin-bottom: 2pt; }} h2 {{ font-size: 12pt; margin-top: 12pt; }}
table {{ width: 100%; }}
th, td {{ border-bottom: 0.5pt solid #d1d5db; padding: 3pt; text-align: left; }}
th {{ background: #eef2ff; }}
</style></head><body>
<h1>Synthèse — {escape(f.title)}</h1>
<p>Période du {p.first_day:%d/%m/%Y} au {p.last_day:%d/%m/%Y} ({escape(p.zone)}) ·
édité le {utcnow():%d/%m/%Y %H:%M} UTC</p>
<h2>Chiffres clés</h2>
{_table(["Indicateur", "Valeur"], [[label, values[key]] for key, label in FIGURE_LABELS])}
<h2>Appels (bleu) et messages (vert) par heure</h2>{_img(hours_png)}
<h2>Qualifications</h2>
{_table(["Code", "Nombre", "Part"], [[c.code, c.count, text.pct(c.share)] for c in board.codes])}
{_img(codes_png) if board.codes else ""}
<h2>Entonnoir des messages</h2>
{_table(["Canal", "Envoyés", "Délivrés", "Lus", "Cliqués", "Échecs", "Désinscrits"], funnel)}
<h2>Par agent</h2>
{_table(["Agent", "Appels", "Décrochés", "Communication", "DMT", "Succès"],
        [[a.name, a.calls, a.talked, text.duration(a.talk_seconds), text.duration(a.dmt_seconds),
          text.pct(a.success_rate)] for a in board.agents])}
</body></html>"""


def synthesis_pdf(ctx, campaign_id: int, period_of) -> tuple[bytes, str]:
    """(PDF bytes, file name) of the campaign's synthesis over the period."""
    board = campaign_dashboard(ctx, campaign_id, period_of)
    name = f"synthese-{file_stem(board.figures.title)}-{board.figures.period.last_day}.pdf"
    return html_to_pdf(synthesis_html(board)), name
