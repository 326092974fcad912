"""The policy in a real browser: our pages and the API docs run without a single violation,
and the browser fixtures fail a test when a page breaks the policy."""

import pytest

from tests.browser import DESKTOP_VIEWPORT, fail_on_csp_violations, screenshot

pytestmark = pytest.mark.browser

INJECTED = "<script>document.title = 'injected';</script>"


def test_an_injected_inline_script_is_blocked_and_fails_the_test(chromium, live_server_url):
    context = chromium.new_context()
    page = context.new_page()

    def inject(route):
        response = route.fetch()
        body = response.text().replace("</body>", INJECTED + '<p onclick="x()">x</p></body>')
        route.fulfill(response=response, body=body)

    page.route(f"{live_server_url}/en/accounts/login/", inject)
    page.goto(f"{live_server_url}/en/accounts/login/")
    page.wait_for_load_state("networkidle")
    assert page.title() != "injected"  # the policy blocked it
    violations = list(chromium.csp_violations)
    assert any("script-src" in v for v in violations), violations
    with pytest.raises(pytest.fail.Exception, match="Content-Security-Policy violations"):
        fail_on_csp_violations(violations)
    # This test's own violation was the point: the teardown check must not fail it.
    chromium.csp_violations.clear()
    context.close()


def test_site_pages_run_without_violations(page, live_server_url):
    for path in ["/", "/en/", "/accounts/login/", "/en/accounts/signup/"]:
        page.goto(f"{live_server_url}{path}")
        page.wait_for_load_state("networkidle")
    # The teardown of the chromium fixture fails the test on any violation.


@pytest.mark.parametrize("viewport", [None, DESKTOP_VIEWPORT])
def test_api_docs_render_swagger_from_our_static_files(chromium, live_server_url, viewport):
    context = chromium.new_context(**({"viewport": viewport} if viewport else {}))
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server_url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    screenshot(page, f"api-docs-{(viewport or {}).get('width', 'default')}")
    assert [url for url in requests if not url.startswith(live_server_url)] == []
    context.close()
