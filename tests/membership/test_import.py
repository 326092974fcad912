"""Bulk import of existing members from CSV and XLSX, with a per-row report."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.membership.helpers import staff_of
from unionhome.core.errors import DomainError
from unionhome.core.idcard import make_id_number
from unionhome.membership import member_import
from unionhome.membership.imports import RowProblem, check_row
from unionhome.membership.models import Membership, PhoneNumber

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def core(db):
    from unionhome.core.demo import seed_core

    return seed_core()


def good_id(n):
    return make_id_number("310115", dt.date(1985, 1, 1) + dt.timedelta(days=n), n % 1000)


def csv_upload(lines, name="members.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def test_check_row_accepts_and_refuses():
    ok = check_row(
        2,
        {
            "full_name": "甲",
            "phone": "13912340001",
            "id_number": good_id(1),
            "worker_type": "劳动合同",
        },
        today=TODAY,
    )
    assert not isinstance(ok, RowProblem) and ok.worker_type == "labour_contract"
    assert ok.phone == "+8613912340001"
    for values, code in (
        (
            {
                "full_name": "",
                "phone": "13912340001",
                "id_number": good_id(1),
                "worker_type": "independent",
            },
            "required",
        ),
        (
            {
                "full_name": "乙",
                "phone": "123",
                "id_number": good_id(1),
                "worker_type": "independent",
            },
            "invalid_phone",
        ),
        (
            {
                "full_name": "乙",
                "phone": "13912340001",
                "id_number": "1" * 18,
                "worker_type": "independent",
            },
            "invalid_id_number",
        ),
        (
            {
                "full_name": "乙",
                "phone": "13912340001",
                "id_number": good_id(1),
                "worker_type": "老板",
            },
            "invalid_worker_type",
        ),
        (
            {
                "full_name": "乙",
                "phone": "13912340001",
                "id_number": good_id(1),
                "worker_type": "independent",
                "since": "2030-01-01",
            },
            "invalid_date",
        ),
    ):
        result = check_row(3, values, today=TODAY)
        assert isinstance(result, RowProblem) and result.code == code and result.row == 3


def test_csv_import_reports_each_refused_row(core):
    union = core["union"]
    lines = [
        "姓名,手机号,身份证号,从业类型,职业,平台,城市,入会日期,会员号",
        f"赵一,13912340001,{good_id(1)},劳动合同,骑手,示范即送,示范市,2023-05-01,",
        f"钱二,13912340002,{good_id(2)},written_agreement,骑手,示范即送,示范市,,WM900001",
        f"孙三,123,{good_id(3)},independent,,,,,",
        f"李四,13912340001,{good_id(4)},independent,,,,,",  # phone repeated in the file
        f"周五,13800138001,{good_id(5)},independent,,,,,",  # rider1: already a member
        f"吴六,13912340006,{good_id(6)},independent,,,,,WM000001",  # number in use
    ]
    job = member_import.member_import_create(
        union=union, actor=core["union_admin"], upload=csv_upload(lines)
    )
    assert job.status == "done", job.error
    assert job.total_rows == 6 and job.created_count == 2 and job.refused_count == 4
    assert [(r["row"], r["code"]) for r in job.report] == [
        (4, "invalid_phone"),
        (5, "duplicate_in_file"),
        (6, "already_member"),
        (7, "member_no_taken"),
    ]
    first = Membership.objects.get(phone="+8613912340001")
    assert first.status == "active" and first.since == dt.date(2023, 5, 1)
    assert first.member_no.startswith("WM") and first.id_number == good_id(1)
    assert first.events.filter(status="active").exists()
    assert Membership.objects.get(phone="+8613912340002").member_no == "WM900001"
    assert PhoneNumber.objects.get(phone="+8613912340001").user == first.user


def test_xlsx_import(core):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["full_name", "phone", "id_number", "worker_type", "since"])
    sheet.append(["郑七", 13912340007, good_id(7), "independent", dt.datetime(2022, 1, 2)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("m.xlsx", buffer.getvalue())
    job = member_import.member_import_create(
        union=core["regional"], actor=core["admin"], upload=upload
    )
    assert job.status == "done" and job.created_count == 1, job.report
    assert Membership.objects.get(phone="+8613912340007").since == dt.date(2022, 1, 2)


def test_import_refuses_bad_files_and_other_unions_staff(core):
    with pytest.raises(DomainError) as info:
        member_import.member_import_create(
            union=core["union"], actor=staff_of(core["enterprise"]), upload=csv_upload(["a"])
        )
    assert info.value.status == 403
    job = member_import.member_import_create(
        union=core["union"], actor=core["union_admin"], upload=csv_upload(["foo,bar", "1,2"])
    )
    assert job.status == "failed" and "Missing columns" in job.error
    with pytest.raises(DomainError):
        member_import.member_import_create(
            union=core["union"],
            actor=core["union_admin"],
            upload=SimpleUploadedFile("x.pdf", b"%PDF"),
        )


def test_large_file_goes_through_the_task_with_progress(core, django_capture_on_commit_callbacks):
    lines = ["full_name,phone,id_number,worker_type"]
    for n in range(1, 2501):
        lines.append(f"会员{n},139{n:08d},{good_id(n)},independent")
    upload = csv_upload(lines)
    assert upload.size > member_import.IMPORT_INLINE_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        job = member_import.member_import_create(
            union=core["union"], actor=core["union_admin"], upload=upload
        )
    job.refresh_from_db()
    assert job.status == "done" and job.processed_rows == 2500
    assert job.created_count + job.refused_count == 2500
    assert job.created_count > 2000  # a few generated phone prefixes are unallocated
    assert (
        Membership.objects.filter(union=core["union"], status="active").count()
        == 5 + job.created_count
    )
    numbers = list(
        Membership.objects.filter(union=core["union"]).values_list("member_no", flat=True)
    )
    assert len(numbers) == len(set(numbers))
