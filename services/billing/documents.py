"""HTML to PDF (xhtml2pdf) and PDF to PNG (pypdfium2), for receipts and invoices."""
from __future__ import annotations

import io
from pathlib import Path

import pypdfium2
from xhtml2pdf import pisa


class RenderError(RuntimeError):
    pass


def html_to_pdf(html: str) -> bytes:
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RenderError(f"xhtml2pdf: {result.err} error(s)")
    return out.getvalue()


def pdf_to_png(pdf: bytes, scale: float = 2.0) -> bytes:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write_atomically(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
