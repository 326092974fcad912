"""Settings for bench_cms: the project's, plus a baseline route; BENCH_CACHE=dummy turns the
cache off (the "cold" runs)."""

import os

from unionhome.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.cms_bench_urls"
DEBUG = True
LOGGING = {"version": 1, "disable_existing_loggers": True}
if os.environ.get("BENCH_CACHE") == "dummy":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
