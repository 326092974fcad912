from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def field_encryption_keys_configured(app_configs, **kwargs):
    """Personal data must not hang on SECRET_KEY in production (rotating it would lose it)."""
    if settings.FIELD_ENCRYPTION_KEYS:
        return []
    return [
        Warning(
            "FIELD_ENCRYPTION_KEYS is not set: resident ID numbers are encrypted with a key "
            "derived from SECRET_KEY.",
            hint="Set FIELD_ENCRYPTION_KEYS to one or more Fernet keys (see .env.example).",
            id="unionhome.W001",
        )
    ]
