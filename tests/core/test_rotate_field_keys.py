"""Rotating FIELD_ENCRYPTION_KEYS: values written under an old key still read after the
rotation with the old key removed."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from tests.membership.helpers import apply, new_user
from unionhome.core.crypto import decrypt
from unionhome.membership.models import Membership, Union

pytestmark = pytest.mark.django_db

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


@pytest.fixture
def core(db):
    return {"union": Union.objects.create(name="测试工会", kind="enterprise")}


def stored(membership) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM unionhome_membership WHERE id = %s", [membership.pk])
        return cursor.fetchone()[0]


def rotate(**options) -> str:
    out = StringIO()
    call_command("rotate_field_keys", stdout=out, **options)
    return out.getvalue()


def test_rotation_re_encrypts_with_the_first_key(core):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        members = [apply(new_user(), core["union"]) for _ in range(3)]
        numbers = {m.pk: Membership.objects.get(pk=m.pk).id_number for m in members}
    Fernet(OLD.encode()).decrypt(stored(members[0]).encode())

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        assert "re-encrypted: 3;" in rotate(batch_size=2)
        # Idempotent: a second run finds nothing to do.
        output = rotate(batch_size=2)
        assert "re-encrypted: 0;" in output and "already current: 3;" in output

    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        for m in members:
            assert Membership.objects.get(pk=m.pk).id_number == numbers[m.pk]
            with pytest.raises(InvalidToken):
                Fernet(OLD.encode()).decrypt(stored(m).encode())


def test_without_rotation_removing_the_old_key_loses_the_values(core):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        member = apply(new_user(), core["union"])
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert Membership.objects.get(pk=member.pk).id_number == ""


def test_plain_legacy_values_get_encrypted(core):
    member = apply(new_user(), core["union"])
    number = Membership.objects.get(pk=member.pk).id_number
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE unionhome_membership SET id_number = %s WHERE id = %s", [number, member.pk]
        )
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]):
        assert "re-encrypted: 1;" in rotate()
        assert decrypt(stored(member)) == number


def test_unreadable_values_are_reported(core):
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        apply(new_user(), core["union"])
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW]), pytest.raises(CommandError):
        rotate()
