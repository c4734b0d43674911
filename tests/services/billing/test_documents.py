"""The receipt image: rendered from the receipt's HTML, cropped to what is written on it."""
import io
from datetime import datetime, timezone

from PIL import Image, ImageChops

from services.billing.documents import html_to_pdf, pdf_to_png
from services.billing.receipts import receipt_html
from services.models.billing import Payment
from services.models.platform import Tenant

SCALE, MARGIN = 2.0, 24


def _receipt() -> Image.Image:
    payment = Payment(id=42, tenant_id=1, purpose="topup", gateway="stripe", transaction_id="pi_test_123",
                      currency="XAF", net_amount=100_000, vat_rate_bp=1925, tax_amount=19_250,
                      total_amount=119_250, status="succeeded",
                      completed_at=datetime(2026, 12, 1, 10, 30, tzinfo=timezone.utc))
    tenant = Tenant(id=1, slug="demo", name="Démo SARL", country="CM", currency="XAF")
    png = pdf_to_png(html_to_pdf(receipt_html(payment, tenant)), scale=SCALE, margin=MARGIN)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_the_receipt_image_is_cropped_to_its_content_with_a_small_margin():
    image = _receipt()
    page_width, page_height = (round(mm / 25.4 * 72 * SCALE) for mm in (120, 150))  # @page of the receipt

    ink = ImageChops.difference(image, Image.new("RGB", image.size, "white")).convert("L")
    left, top, right, bottom = ink.point(lambda level: 255 if level > 10 else 0).getbbox()
    assert image.height < page_height * 0.8 and image.width < page_width  # no blank page around it
    assert (left, top) == (MARGIN, MARGIN)
    assert (image.width - right, image.height - bottom) == (MARGIN, MARGIN)
