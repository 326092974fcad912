"""Finding 2: files with personal data never live under MEDIA_ROOT, and import uploads are
deleted once the import is done (only the per-row report stays)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from unionhome.core.idcard import make_id_number
from unionhome.membership.models import MemberImport

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.fixture
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return settings.MEDIA_ROOT


def test_member_import_upload_never_reaches_public_media_and_is_deleted(client, demo, media_root):
    id_number = make_id_number("310115", dt.date(1991, 2, 3), 321)
    body = (
        "full_name,phone,id_number,worker_type\n"
        f"测试一,13311112222,{id_number},written_agreement\n"
        "测试二,13311112223,110101199001011234,written_agreement\n"
    )
    client.login(username="union_admin", password="demo-pass-2026")
    response = client.post(
        "/admin/membership/imports/",
        {
            "union": demo["union"].pk,
            "file": SimpleUploadedFile("members.csv", body.encode(), content_type="text/csv"),
        },
    )
    assert response.status_code == 302, response.content
    job = MemberImport.objects.get()
    assert job.status == "done"
    assert job.created_count == 1
    # Nothing personal under the public media folder, and the upload is gone.
    assert files_under(media_root) == []
    assert not job.file
    assert files_under(Path(settings.VAR_DIR) / "private" / "member-imports") == []
    assert client.get("/media/member-imports/members.csv").status_code == 404
    # The report keeps row numbers and reasons, never the plain ID numbers.
    assert job.report and id_number not in str(job.report)
    assert "110101199001011234" not in str(job.report)
    # The page still names the original file.
    page = client.get(f"/admin/membership/imports/{job.pk}/")
    assert page.status_code == 200
    assert "members.csv" in page.content.decode()


def test_a_failed_import_deletes_its_upload_too(client, demo, media_root):
    client.login(username="union_admin", password="demo-pass-2026")
    client.post(
        "/admin/membership/imports/",
        {"union": demo["union"].pk, "file": SimpleUploadedFile("bad.xlsx", b"not a workbook")},
    )
    job = MemberImport.objects.get()
    assert job.status == "failed"
    assert not job.file
    assert files_under(media_root) == []


def test_legal_aid_attachments_are_kept_outside_public_media():
    from legalaid.models import Attachment

    storage = Attachment._meta.get_field("file").storage
    assert not Path(storage.location).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert Path(storage.location) == Path(settings.VAR_DIR) / "private"
