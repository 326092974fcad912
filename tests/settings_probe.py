"""Settings as a fresh process computes them from its environment (settings are read once at
import, so switches such as DATABASE_URL or REDIS_URL are tested in a subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def settings_in_subprocess(expression: str, tmp_path, *, drop=(), **env_vars):
    """The JSON value of ``expression`` (with ``s`` the settings) in a new process whose
    environment is this one's without the names in ``drop`` (or starting with a name ending
    in ``*``), plus ``env_vars``."""

    def dropped(name: str) -> bool:
        return any(name.startswith(d[:-1]) if d.endswith("*") else name == d for d in drop)

    env = {k: v for k, v in os.environ.items() if not dropped(k)}
    env.update(
        {"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "unionhome.config.settings"},
        **env_vars,
    )
    code = (
        "import json, django; from django.conf import settings as s; django.setup(); "
        f"print(json.dumps({expression}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)
