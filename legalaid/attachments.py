"""Attachment checks by content, not by name: images (JPEG, PNG, WebP, GIF) and PDF."""

from __future__ import annotations

import io

from django.http import FileResponse
from django.utils.translation import gettext as _
from PIL import Image

from unionhome.core.errors import DomainError

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 3

ERR_TOO_LARGE = "attachment_too_large"
ERR_TYPE = "attachment_type"
ERR_TOO_MANY = "too_many_attachments"

_IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, or None when not an allowed type."""
    if data.startswith(b"%PDF-"):
        # A PDF ends with an %%EOF marker (possibly followed by whitespace).
        return "application/pdf" if b"%%EOF" in data[-1024:] else None
    if data[:3] == b"\xff\xd8\xff":
        expected = "JPEG"
    elif data[:8] == b"\x89PNG\r\n\x1a\n":
        expected = "PNG"
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        expected = "WEBP"
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        expected = "GIF"
    else:
        return None
    # The magic number alone is easy to fake: have Pillow parse the image too.
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            found = image.format
    except Exception:
        return None
    return _IMAGE_FORMATS.get(found) if found == expected else None


def check_attachments(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    """Validate (name, bytes) pairs; returns (clean name, bytes, content type)."""
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(
            ERR_TOO_MANY,
            _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
            field="attachments",
        )
    checked = []
    for name, data in files:
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise DomainError(
                ERR_TOO_LARGE,
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
                field="attachments",
            )
        content_type = sniff(data)
        if content_type is None:
            raise DomainError(
                ERR_TYPE,
                _("%(name)s is not an image (JPEG, PNG, WebP, GIF) or a PDF.") % {"name": name},
                field="attachments",
            )
        clean = "".join(ch for ch in name if ch.isprintable() and ch not in "/\\")[:200]
        checked.append((clean or "attachment", data, content_type))
    return checked


def attachment_response(attachment) -> FileResponse:
    """The stored file as a download (pages and API alike): never rendered inline."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
