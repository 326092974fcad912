"""Where files with personal data are kept: outside MEDIA_ROOT, so no URL serves them; only
views that check who may read a file open it."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_storage():
    return FileSystemStorage(location=Path(settings.VAR_DIR) / "private", base_url=None)


def member_import_path(instance, filename: str) -> str:
    # A random name: the original (often "members.csv") never reaches the disk.
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"member-imports/{uuid.uuid4().hex}{suffix}"
