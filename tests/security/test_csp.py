"""Content-Security-Policy: enforced on every page, with the admin's allowances only under
/admin/, and no inline scripts or inline event handlers left in the project's templates."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = ["unionhome", "bargaining", "legalaid", "cms"]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/accounts/login/", "/en/accounts/login/", "/api/v1/docs"]
)
def test_public_pages_enforce_a_policy_without_inline_scripts_or_styles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # The bargaining room's socket on this very host, and nowhere else.
    assert policy["connect-src"] == ["'self'", "ws://testserver"]


def test_socket_source_follows_https(client):
    response = client.get("/", secure=True)
    assert directives(response)["connect-src"] == ["'self'", "wss://testserver"]


def test_api_and_error_responses_carry_the_policy_too(client):
    assert (
        "frame-ancestors 'none'" in client.get("/api/v1/no-such-thing")["Content-Security-Policy"]
    )
    # Directive order is not part of the policy: parse, don't match a substring.
    assert directives(client.get("/en/no-such-page/"))["script-src"] == ["'self'"]


def test_only_the_admin_gets_inline_allowances(client):
    policy = directives(client.get("/admin/login/"))
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    # Wagtail's page preview is a same-origin frame; still nobody else may frame the admin.
    assert policy["frame-ancestors"] == ["'self'"]
    # A path that only starts like the admin is not the admin.
    assert directives(client.get("/administrators/"))["script-src"] == ["'self'"]


def test_api_docs_load_swagger_from_our_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*\bhref="([^"]+\.css)"', html)
    assert scripts and styles
    assert all(url.startswith("/static/") for url in scripts + styles), (scripts, styles)
    assert "cdn" not in html.lower()
    # Swagger's settings travel as JSON data, not as an inline script.
    assert not INLINE_SCRIPT.search(html)


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def project_templates():
    for folder in TEMPLATE_DIRS:
        yield from (ROOT / folder).rglob("templates/**/*.html")


def test_the_template_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js" defer></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="x">{}</script>')
    assert INLINE_HANDLER.search('<button type="button" onclick="go()">')
    assert not INLINE_HANDLER.search('<form action="/x" data-confirm="1">')
    assert INLINE_STYLE.search('<p class="a" style="color:red">')


def test_no_inline_scripts_or_handlers_in_project_templates():
    found = []
    for template in project_templates():
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [
                f"{template.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(text)
            ]
    assert found == []


def test_no_inline_styles_outside_the_admin_templates():
    # Admin screens (Wagtail admin panels) run under the admin's style allowance.
    found = []
    for template in project_templates():
        if "/admin/" in template.as_posix():
            continue
        found += [
            f"{template.relative_to(ROOT)}" for _ in INLINE_STYLE.finditer(template.read_text())
        ]
    assert found == []
