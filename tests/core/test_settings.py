"""Production settings: check --deploy clean, refusal without SECRET_KEY, seed_demo guard."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "unionhome.config.settings"})
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-like-secret-" + "x9Y8z7" * 6,
    "ALLOWED_HOSTS": "union.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://union.example.org",
    "FIELD_ENCRYPTION_KEYS": "7hY1tL3bEw0n9yC8x4Ap5Kq2Zr6Uv0Gm1Sd3Fh5Jk7o=",
}


def test_check_deploy_is_clean_under_production_variables(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_wants_field_encryption_keys(tmp_path):
    env = dict(PRODUCTION)
    env["FIELD_ENCRYPTION_KEYS"] = ""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env_extra=env, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "unionhome.W001" in result.stdout + result.stderr


def test_check_deploy_flags_the_embedded_default(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", env_extra={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_debug_off_without_secret_key_refuses_to_start(tmp_path):
    env = dict(PRODUCTION)
    env["SECRET_KEY"] = ""
    result = manage("check", env_extra=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_seed_demo_refuses_with_debug_off(tmp_path):
    result = manage("seed_demo", env_extra=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "refusing with DEBUG=0" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent(demo):
    from django.contrib.auth import get_user_model

    from unionhome.core import demo as demo_module
    from unionhome.membership.models import Membership, Union

    counts = (get_user_model().objects.count(), Union.objects.count(), Membership.objects.count())
    demo_module.seed_all()
    assert counts == (
        get_user_model().objects.count(),
        Union.objects.count(),
        Membership.objects.count(),
    )
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    expected = {"admin", "union_admin", "union_chief", "union_rep2", "union_rep3"}
    expected |= {f"rider{i}" for i in range(1, 6)} | {"volunteer1", "volunteer2"}
    expected |= {"platform_chief", "platform_rep2", "platform_rep3"}
    assert expected <= usernames


def test_redis_url_moves_channel_layer_and_rate_limit_cache_to_redis(tmp_path):
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.CHANNEL_LAYERS['default']['BACKEND']); print(s.CACHES['default']['BACKEND']); "
        "print(s.DATABASES['default']['ENGINE'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        {
            "VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "unionhome.config.settings",
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "DATABASE_URL": "postgres://u:p@db.example:5432/unionhome",
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    layer, cache, engine = out.stdout.split()
    assert layer == "channels_redis.core.RedisChannelLayer"
    assert cache == "unionhome.core.cache.ResilientRedisCache"
    assert engine == "django.db.backends.postgresql"


def test_the_asgi_application_freezes_what_it_loaded(tmp_path):
    """The modules loaded at start live as long as the process: frozen out of the
    collector's reach, full collections in a busy room walk the sockets' objects only
    (docs/performance.md, open sessions)."""
    code = "import gc, unionhome.config.asgi; print(gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "unionhome.config.settings"})
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 100_000  # Django, Wagtail and the apps: hundreds of thousands
