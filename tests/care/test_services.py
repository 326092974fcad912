"""Hardship-file services: every transition, the bad inputs, the re-check and the lapse."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.care.conftest import apply, registered
from unionhome.audit.models import AuditAction, AuditEntry
from unionhome.care import selectors, services
from unionhome.care.models import FileStatus, HardshipEvent, HardshipFile
from unionhome.core import sms
from unionhome.core.errors import DomainError
from unionhome.membership.models import Notification

pytestmark = pytest.mark.django_db


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_apply_opens_a_submitted_file_with_the_line_in_force(care):
    file = apply(care.rider2)
    assert file.status == FileStatus.SUBMITTED
    assert file.union == care.union
    # The union's region 示范市浦江区 falls back to the city's line.
    assert str(file.subsistence_line) == "1510.00"
    assert file.below_line is True
    assert list(file.events.values_list("kind", flat=True)) == ["applied"]


def test_a_second_open_application_is_a_conflict(care):
    apply(care.rider2)
    with pytest.raises(DomainError) as err:
        apply(care.rider2)
    assert (err.value.code, err.value.status) == (services.ERR_OPEN_FILE, 409)
    assert HardshipFile.objects.filter(member=care.rider2).count() == 1


def test_the_database_refuses_a_second_open_file(care):
    """The service check can be raced; the partial unique constraint cannot."""
    from django.db import IntegrityError, transaction

    first = apply(care.rider2)
    with pytest.raises(IntegrityError), transaction.atomic():
        HardshipFile.objects.create(
            member=care.rider2,
            membership=first.membership,
            union=care.union,
            cause="other",
            household_size=1,
            income_per_head=0,
            description="x",
            applied_by=care.rider2,
        )


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("cause", "bad_luck", services.ERR_CAUSE),
        ("household_size", 0, services.ERR_HOUSEHOLD),
        ("household_size", 31, services.ERR_HOUSEHOLD),
        ("income_per_head", "-1", services.ERR_INCOME),
        ("income_per_head", "abc", services.ERR_INCOME),
        ("description", "  ", services.ERR_REQUIRED),
    ],
)
def test_bad_applications_are_refused_and_nothing_is_written(care, field, value, code):
    with pytest.raises(DomainError) as err:
        apply(care.rider2, **{field: value})
    assert err.value.code == code and err.value.status == 422
    assert not HardshipFile.objects.exists()


def test_documents_must_be_images_or_pdf_and_small(care):
    with pytest.raises(DomainError) as err:
        apply(care.rider2, documents=[("a.exe", b"MZ\x90\x00")])
    assert err.value.code == "attachment_type"
    assert not HardshipFile.objects.exists()
    file = apply(care.rider2, documents=[("诊断.png", png_bytes())])
    document = file.documents.get()
    assert document.content_type == "image/png"
    # Private storage: outside MEDIA_ROOT and without a public URL.
    from django.conf import settings

    assert not document.content.path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(DomainError) as err:
        services.hardship_add_document(
            actor=care.rider2, file=file, name="big.pdf", data=b"%PDF-" + b"0" * (6 << 20)
        )
    assert err.value.code == "attachment_too_large"


def test_staff_apply_on_behalf_only_for_their_own_union(care):
    file = apply(care.rider3, actor=care.union_admin)
    assert file.applied_by == care.union_admin
    with pytest.raises(DomainError) as err:
        apply(care.rider1, actor=care.other_staff)
    assert err.value.status == 404


def test_visit_register_aid_and_the_member_is_told(care):
    sms.outbox.clear()
    file = apply(care.rider2)
    with pytest.raises(DomainError) as err:
        services.hardship_decide(
            actor=care.union_admin, file=file, decision="registered", level="hardship"
        )
    assert err.value.code == "visit_first"
    with pytest.raises(DomainError) as err:
        services.hardship_aid(
            actor=care.union_admin,
            file=file,
            kind="cash",
            amount="500",
            given_on=timezone.localdate(),
            fund="帮扶资金",
        )
    assert err.value.code == services.ERR_STATE
    today = timezone.localdate()
    services.hardship_visit(actor=care.union_admin, file=file, visited_on=today, notes="家访")
    file.refresh_from_db()
    assert file.status == FileStatus.VISITED
    with pytest.raises(DomainError):
        services.hardship_decide(
            actor=care.union_admin, file=file, decision="registered", level="no_such_level"
        )
    file = services.hardship_decide(
        actor=care.union_admin, file=file, decision="registered", level="special_hardship"
    )
    assert file.status == FileStatus.REGISTERED
    assert file.recheck_due == services.add_months(today, 12)
    assert Notification.objects.filter(user=care.rider2, message__contains="特困").exists()
    services.hardship_aid(
        actor=care.union_admin,
        file=file,
        kind="cash",
        amount="800",
        given_on=today,
        fund="帮扶资金",
    )
    assert file.aid.get().amount == 800
    assert [e.kind for e in file.events.all()] == ["applied", "visited", "registered", "aid"]
    with pytest.raises(DomainError) as err:
        services.hardship_decide(actor=care.union_admin, file=file, decision="declined", reason="x")
    assert err.value.status == 409


def test_the_transaction_commits_before_the_sms(care, django_capture_on_commit_callbacks):
    file = apply(care.rider2)
    services.hardship_visit(
        actor=care.union_admin, file=file, visited_on=timezone.localdate(), notes="家访"
    )
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.hardship_decide(
            actor=care.union_admin, file=file, decision="declined", reason="收入高于标准"
        )
    assert sms.outbox == []
    for callback in callbacks:
        callback()
    assert sms.outbox and "收入高于标准" in sms.outbox[-1][1]


def test_decline_needs_a_reason(care):
    file = apply(care.rider2)
    with pytest.raises(DomainError) as err:
        services.hardship_decide(actor=care.union_admin, file=file, decision="declined")
    assert err.value.code == services.ERR_REASON
    file = services.hardship_decide(
        actor=care.union_admin, file=file, decision="declined", reason="收入高于标准"
    )
    assert file.status == FileStatus.DECLINED
    # A declined application is no longer open: the member may apply again.
    assert apply(care.rider2).status == FileStatus.SUBMITTED


def test_staff_of_another_union_cannot_act(care):
    file = apply(care.rider2)
    for action in (
        lambda: services.hardship_visit(
            actor=care.other_staff, file=file, visited_on=timezone.localdate(), notes="x"
        ),
        lambda: services.hardship_decide(
            actor=care.other_staff, file=file, decision="declined", reason="x"
        ),
        lambda: services.hardship_close(actor=care.rider2, file=file, reason="x"),
    ):
        with pytest.raises(DomainError) as err:
            action()
        assert err.value.status == 404
    # Federation staff run every union.
    services.hardship_visit(actor=care.admin, file=file, visited_on=timezone.localdate(), notes="x")


def test_visit_in_the_future_is_refused(care):
    file = apply(care.rider2)
    with pytest.raises(DomainError) as err:
        services.hardship_visit(
            actor=care.union_admin,
            file=file,
            visited_on=timezone.localdate() + dt.timedelta(days=1),
            notes="x",
        )
    assert err.value.code == services.ERR_DATE


def test_reminder_a_month_before_then_lapse_the_day_after_due(care):
    """Time is frozen by passing the day: registered on 2026-01-31, due 2027-01-31."""
    start = dt.date(2026, 1, 31)
    file = registered(care, today=start)
    assert file.recheck_due == dt.date(2027, 1, 31)
    # 31 days before: nothing yet.
    assert services.hardship_tick(today=dt.date(2026, 12, 31)) == {"reminded": 0, "lapsed": 0}
    # 30 days before: staff are reminded, once.
    assert services.hardship_tick(today=dt.date(2027, 1, 1)) == {"reminded": 1, "lapsed": 0}
    assert services.hardship_tick(today=dt.date(2027, 1, 2)) == {"reminded": 0, "lapsed": 0}
    reminders = Notification.objects.filter(user=care.union_admin, url__contains="/care/staff/")
    assert reminders.count() == 1
    # On the due day the file still stands; the day after, it lapses.
    assert services.hardship_tick(today=dt.date(2027, 1, 31))["lapsed"] == 0
    assert services.hardship_tick(today=dt.date(2027, 2, 1))["lapsed"] == 1
    file.refresh_from_db()
    assert file.status == FileStatus.LAPSED
    assert file.events.filter(kind=HardshipEvent.Kind.LAPSED).count() == 1
    assert services.hardship_tick(today=dt.date(2027, 2, 2))["lapsed"] == 0


def test_recheck_renews_and_brings_a_lapsed_file_back(care):
    file = registered(care, today=dt.date(2026, 3, 1))
    services.hardship_tick(today=dt.date(2027, 3, 2))
    file.refresh_from_db()
    assert file.status == FileStatus.LAPSED
    file = services.hardship_recheck(
        actor=care.union_admin, file=file, level="relative_hardship", today=dt.date(2027, 3, 5)
    )
    assert file.status == FileStatus.REGISTERED
    assert file.level.code == "relative_hardship"
    assert file.recheck_due == dt.date(2028, 3, 5)


def test_close_ends_the_file_and_allows_a_new_application(care):
    file = registered(care)
    with pytest.raises(DomainError):
        services.hardship_close(actor=care.union_admin, file=file, reason="")
    file = services.hardship_close(actor=care.union_admin, file=file, reason="已就业，收入稳定")
    assert file.status == FileStatus.CLOSED
    with pytest.raises(DomainError) as err:
        services.hardship_close(actor=care.union_admin, file=file, reason="again")
    assert err.value.status == 409
    assert apply(care.rider2).status == FileStatus.SUBMITTED


def test_add_months_keeps_month_ends():
    assert services.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2026, 11, 15), 12) == dt.date(2027, 11, 15)


def test_staff_reads_are_audited_member_reads_are_not(care):
    file = apply(care.rider2)
    services.hardship_read(actor=care.rider2, file_id=file.pk)
    services.hardship_read(actor=care.union_admin, file_id=file.pk)
    assert list(file.events.filter(kind="read").values_list("actor", flat=True)) == [
        care.union_admin.pk
    ]
    assert list(
        AuditEntry.objects.filter(action=AuditAction.CARE_FILE_READ).values_list(
            "actor", "object_id"
        )
    ) == [(care.union_admin.pk, str(file.pk))]
    for outsider in (care.rider1, care.other_staff):
        with pytest.raises(DomainError) as err:
            services.hardship_read(actor=outsider, file_id=file.pk)
        assert err.value.status == 404


def test_the_file_selector_only_reads(care):
    file = apply(care.rider2)
    events = file.events.count()
    selectors.file_get(user=care.union_admin, file_id=file.pk)
    assert file.events.count() == events
    assert not AuditEntry.objects.exists()


def test_export_masks_ids_and_neutralises_formulas(care):
    file = apply(care.rider2, district="=HYPERLINK(1)")
    csv_text = services.hardship_export(actor=care.union_admin)
    assert file.events.filter(kind="exported", actor=care.union_admin).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.CARE_EXPORT).count() == 1
    id_number = file.membership.id_number
    assert id_number not in csv_text
    assert id_number[:3] + "*" in csv_text
    assert "'=HYPERLINK(1)" in csv_text
    assert selectors.csv_cell("-2") == "'-2"
    assert selectors.csv_cell("\tx") == "'\tx"
    assert selectors.csv_cell("ok") == "ok"
    # Staff of another union export nothing of this union.
    assert id_number[:3] + "*" not in services.hardship_export(actor=care.other_staff)


def test_dashboard_counts_levels_aid_and_overdue(care):
    today = timezone.localdate()
    file = registered(care, today=today - dt.timedelta(days=400))
    services.hardship_aid(
        actor=care.union_admin, file=file, kind="goods", amount="300", given_on=today, fund="送温暖"
    )
    apply(care.rider3)
    board = selectors.dashboard(user=care.union_admin, today=today)
    assert board["by_level"][0]["n"] == 1
    assert board["aid_total"] == 300
    assert board["aid_by_month"][0]["fund"] == "送温暖"
    assert [f.pk for f in board["overdue"]] == [file.pk]
    assert len(board["waiting"]) == 1
    assert selectors.dashboard(user=care.other_staff, today=today)["aid_total"] == 0
