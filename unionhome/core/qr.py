"""QR codes (segno): PNG bytes, SVG bytes and inline SVG for pages and posters."""

import io

import segno


def _make(content: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a printed poster.
    return segno.make(content, error="m", micro=False)


def qr_png(content: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _make(content).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(content: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _make(content).save(buffer, kind="svg", scale=scale, border=4, xmldecl=True)
    return buffer.getvalue()


def qr_svg_inline(content: str) -> str:
    """An <svg> element without a fixed size, so CSS sizes it (a fixed size gets cropped)."""
    return _make(content).svg_inline(omitsize=True, border=4)
