"""Playwright driving Debian's Chromium (``/usr/bin/chromium``) against the live test server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("REGIE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are
# still made synchronously, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (scripts/test does)")
    profile = tempfile.mkdtemp(prefix="regie-chromium-")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            locale="nl-NL",
            viewport={"width": 1360, "height": 900},
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    browser.clear_cookies()
    page = browser.new_page()
    yield page
    page.close()


def login(page: Any, base_url: str, username: str, password: str = "regie-demo") -> None:
    page.goto(base_url + "/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")


def follow_menu(page: Any, name: str) -> None:
    """Follow the main menu's link ``name`` (the exact name), opening its menu first when the
    link is in one (regie/includes/menu.html), as a person does."""
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    if not link.is_visible():
        nav.locator("details", has=page.get_by_role("link", name=name, exact=True, include_hidden=True)).locator(
            "summary"
        ).click()
    link.click()
    page.wait_for_load_state("networkidle")


# --------------------------------------------------------------------------------------------
# A generated venlo region served by ``regie serve`` (built once per test session)

VENLO_YEAR = 2025
VENLO_AS_OF = "2025-06-30"
VENLO_SEED = 2018  # the demo's seed (regie.cli.demo.DEMO_SEED)
VENLO_SCALE = 0.1


@dataclass(frozen=True)
class Site:
    """A generated region loaded into its own SQLite file and served on ``url``; ``env``
    points the CLI at the same database, so tests can ask the CLI the page's questions."""

    url: str
    env: dict[str, str]
    data: Path
    scenario: dict[str, Any]

    def cli(self, *args: str) -> Any:
        """``regie ARGS --json`` against the served database, parsed."""
        done = subprocess.run(
            [str(BIN / "regie"), *args, "--json"], env=self.env, capture_output=True, text=True, check=True
        )
        return json.loads(done.stdout)


BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def venlo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """generate -> catalog load -> ingest -> demo users -> monitor refresh -> serve
    (``build_site.py`` does the middle steps in one process)."""
    from regie.synth import generate

    root = tmp_path_factory.mktemp("venlo-site")
    data = root / "venlo"
    generate("venlo", VENLO_YEAR, VENLO_SEED, data, scale=VENLO_SCALE)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'regie.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "regie.site.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    build = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "build_site.py"), str(data), str(VENLO_YEAR), VENLO_AS_OF],
        env=env,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    port = _free_port()
    server = subprocess.Popen(
        [str(BIN / "regie"), "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url + "/inloggen/", timeout=5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "regie serve did not start: " + (server.stderr.read().decode() if server.stderr else "")
                    ) from None
                time.sleep(0.3)
        scenario = json.loads((data / "truth" / "scenario.json").read_text())
        yield Site(url, env, data, scenario)
    finally:
        server.terminate()
        server.wait(timeout=10)
