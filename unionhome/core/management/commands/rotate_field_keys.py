"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."""

from django.core.management.base import BaseCommand, CommandError

from unionhome.core.key_rotation import DEFAULT_BATCH, rotate_field_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS "
        "(batched, in transactions, safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        report = rotate_field_keys(batch_size=batch_size)
        self.stdout.write(
            f"fields: {', '.join(report.fields)}; re-encrypted: {report.rotated}; "
            f"already current: {report.current}; unreadable: {len(report.unreadable)}"
        )
        if report.unreadable:
            # No configured key reads these: a key is missing from the list (keep every old
            # key until this run reports none).
            raise CommandError(
                "unreadable with every configured key: " + ", ".join(report.unreadable[:20])
            )
