"""The project's URLs plus the baseline: a minimal view returning a fixed page of bytes."""

import functools
import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from unionhome.config.urls import urlpatterns as project_urlpatterns


@functools.cache
def _static_body(name: str) -> bytes:
    folder = Path(os.environ["BENCH_STATIC_DIR"])
    file = folder / f"{name}.html"
    if not file.is_file():
        raise Http404
    return file.read_bytes()


def static_page(request, name: str):
    return HttpResponse(_static_body(name), content_type="text/html; charset=utf-8")


urlpatterns = [path("_bench/static/<slug:name>/", static_page), *project_urlpatterns]
