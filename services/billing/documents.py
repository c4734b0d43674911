"""HTML to PDF (xhtml2pdf) and PDF to PNG (pypdfium2), for receipts and invoices."""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from PIL import Image, ImageChops
from xhtml2pdf import pisa


class RenderError(RuntimeError):
    pass


def html_to_pdf(html: str) -> bytes:
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RenderError(f"xhtml2pdf: {result.err} error(s)")
    return out.getvalue()


def pdf_to_png(pdf: bytes, scale: float = 2.0, margin: int = 24) -> bytes:
    """The first page as an image cropped to what is written on it, with `margin` pixels around."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()
    image = crop_to_content(image, margin)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def crop_to_content(image: Image.Image, margin: int) -> Image.Image:
    """Without the white around the content (a page is mostly blank below a short receipt)."""
    ink = ImageChops.difference(image, Image.new("RGB", image.size, "white")).convert("L")
    box = ink.point(lambda level: 255 if level > 10 else 0).getbbox()  # ignores faint anti-aliasing
    if box is None:
        return image
    left, top, right, bottom = box
    return image.crop((max(0, left - margin), max(0, top - margin),
                       min(image.width, right + margin), min(image.height, bottom + margin)))


def write_atomically(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
