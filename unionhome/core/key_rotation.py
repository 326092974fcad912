"""Re-encrypting every encrypted field with the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first and keep the old one after it, deploy, run
``manage.py rotate_field_keys``, then remove the old key. Values already under the first key
are left alone, so the command can be run again (or resumed after an interruption) safely.
Each batch is read under a row lock and written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import connection, transaction

from unionhome.core.crypto import FERNET_PREFIX, EncryptedCharField, fernet, primary_fernet

DEFAULT_BATCH = 500


@dataclass
class RotationReport:
    rotated: int = 0
    current: int = 0
    unreadable: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)


def encrypted_fields() -> list[tuple[type, str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedCharField)
    ]


def _under_primary(token: str) -> bool:
    try:
        primary_fernet().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _new_value(raw: str) -> str | None:
    """The value to store, None if it is already current. Raises InvalidToken if no
    configured key can read it."""
    if raw.startswith(FERNET_PREFIX):
        if _under_primary(raw):
            return None
        return fernet().rotate(raw.encode()).decode()
    # A value written before encryption was switched on: encrypt it now.
    return primary_fernet().encrypt(raw.encode()).decode()


def _rotate_batch(model, name: str, pks: list, report: RotationReport) -> None:
    column = model._meta.get_field(name).column
    quote = connection.ops.quote_name
    pk_column = model._meta.pk.column
    with transaction.atomic():
        # Lock the rows, then read the stored ciphertext itself (the field would decrypt it).
        list(model._base_manager.select_for_update().filter(pk__in=pks).values_list("pk"))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(pk_column)} IN ({', '.join(['%s'] * len(pks))})",
                pks,
            )
            rows = cursor.fetchall()
        for pk, raw in rows:
            if not raw:
                continue
            try:
                value = _new_value(raw)
            except InvalidToken:
                report.unreadable.append(f"{model._meta.label}.{name}#{pk}")
                continue
            if value is None:
                report.current += 1
                continue
            # A value starting with the Fernet prefix is stored as it is by the field.
            model._base_manager.filter(pk=pk).update(**{name: value})
            report.rotated += 1


def rotate_field_keys(*, batch_size: int = DEFAULT_BATCH) -> RotationReport:
    report = RotationReport()
    for model, name in encrypted_fields():
        report.fields.append(f"{model._meta.label}.{name}")
        last = None
        while True:
            ids = model._base_manager.order_by("pk")
            if last is not None:
                ids = ids.filter(pk__gt=last)
            pks = list(ids.values_list("pk", flat=True)[:batch_size])
            if not pks:
                break
            _rotate_batch(model, name, pks, report)
            last = pks[-1]
    return report
