import pytest

# The fixtures live in tests/browser.py (shared by every folder); re-exported for imports.
from tests.browser import (  # noqa: F401
    CHROMIUM_ARGS,
    PHONE_VIEWPORT,
    chromium,
    live_server_url,
    login,
    page,
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
