"""Browser tests: Debian's Chromium driven by Playwright against the real app served by uvicorn.

- `live_app` (one per test module): `mockinterviewer serve` in a subprocess on a free loopback port, over a
  fresh data directory (SQLite) seeded like tests/web (coaches carol and dave, candidates ada and bob, one
  graded session each); `live_app.store` reads the same database from the test process.
- `browser` (one per set of launch flags, kept for the whole run): headless /usr/bin/chromium with the flags
  of ../shared/DESIGN.md. A module adds flags (e.g. a fake microphone) by overriding `browser_extra_args`::

      @pytest.fixture(scope="module")
      def browser_extra_args() -> list[str]:
          return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                  f"--use-file-for-fake-audio-capture={WAV}"]

  and passes environment to its server by overriding `app_env` (a module fixture returning a dict).
- `page`, `context`, `new_context` come from pytest-playwright, with `base_url` set to the module's server.
- `screenshot(page, name)` saves a full-page PNG under test-artifacts/screenshots/ (kept after the run,
  gitignored); the run's summary says where.

Chromium is MOCKINTERVIEWER_CHROMIUM, else `chromium` on PATH. Without it the tests are skipped, saying why;
with MOCKINTERVIEWER_REQUIRE_BROWSER=1 (CI) they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserType, Page, Playwright, expect

from mockinterviewer.config import Settings, load_settings
from mockinterviewer.store import Store
from mockinterviewer.store.accounts import Accounts
from mockinterviewer.store.store import open_store
from tests.conftest import PROJECT_ROOT
from tests.web.conftest import PASSWORD, seed

CHROMIUM = os.environ.get("MOCKINTERVIEWER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REQUIRE_BROWSER = "MOCKINTERVIEWER_REQUIRE_BROWSER"
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
SERVER_START_SECONDS = 60.0  # the machine may be busy; a healthy start takes about 2 s
# environment that must not reach the served app: its data and models are the test's own
PRIVATE_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "MOCKINTERVIEWER_DATABASE_URL", "MOCKINTERVIEWER_MODEL")

expect.set_options(timeout=15_000)  # a page that grades on the way may take a few seconds on a busy machine

_saved_screenshots: list[Path] = []


# the browser -------------------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last. Playwright's sync API leaves its event loop marked as running in the main
    thread from its start to the end of the run, so a later test calling asyncio.run() would fail."""
    here = Path(__file__).parent
    items.sort(key=lambda item: here in Path(str(item.path)).parents)  # a stable sort: the order stays otherwise


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options (--headed, --slowmo) with Debian's Chromium and its flags."""
    if not Path(CHROMIUM).is_file():
        message = (f"Chromium not found at {CHROMIUM}: install it with apt-get install chromium (scripts/install.sh "
                   "--test does) or set MOCKINTERVIEWER_CHROMIUM to its path")
        if os.environ.get(REQUIRE_BROWSER) == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def browser_extra_args() -> list[str]:
    """Chromium flags this module adds to CHROMIUM_ARGS (override it in a test module)."""
    return []


@pytest.fixture(scope="session")
def _browsers(playwright: Playwright) -> Iterator[dict[tuple[str, ...], Browser]]:
    """One browser per set of extra flags, launched on first use and closed at the end of the run (before
    Playwright stops)."""
    launched: dict[tuple[str, ...], Browser] = {}
    yield launched
    for running in launched.values():
        running.close()


@pytest.fixture(scope="module")
def browser(_browsers: dict[tuple[str, ...], Browser], browser_type: BrowserType,
            browser_type_launch_args: dict[str, Any], browser_extra_args: list[str]) -> Browser:
    key = tuple(browser_extra_args)
    if key not in _browsers:
        options = {**browser_type_launch_args, "args": [*browser_type_launch_args["args"], *key]}
        _browsers[key] = browser_type.launch(**options)
    return _browsers[key]


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """Not pytest-playwright's --base-url: each module's pages go to its own server (below)."""
    return None


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args: dict[str, Any], live_app: LiveApp) -> dict[str, Any]:
    """Every page of the module opens relative addresses ("/login") on the module's server."""
    return {**browser_context_args, "base_url": live_app.url}


# the app -----------------------------------------------------------------------------------------


@dataclass
class LiveApp:
    """A running `mockinterviewer serve` and the database it serves, opened from the test process too."""

    url: str
    settings: Settings
    store: Store
    accounts: Accounts
    log: Path  # the server's output


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/login", timeout=2) as response:
            return int(response.status) == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


def serve(home: Path, env: dict[str, str], log: Path,
          meanwhile: Callable[[], None] = lambda: None) -> tuple[subprocess.Popen[bytes], str]:
    """Start `mockinterviewer serve` on a free loopback port over `home`, run `meanwhile` (e.g. seeding the
    database) while it starts, and wait until it answers."""
    environment = {k: v for k, v in os.environ.items() if k not in PRIVATE_ENV}
    environment.update({"MOCKINTERVIEWER_HOME": str(home), "MOCKINTERVIEWER_LLM": "offline", **env})
    for _attempt in range(3):  # another process may take the free port before the server binds it
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as out:
            process = subprocess.Popen([sys.executable, "-m", "mockinterviewer", "serve", "--port", str(port)],
                                       env=environment, stdout=out, stderr=subprocess.STDOUT)
        meanwhile()
        meanwhile = lambda: None  # noqa: E731  (once)
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(url):
                return process, url
            time.sleep(0.1)
        stop(process)
        if "address already in use" not in _tail(log).lower():
            break
    pytest.fail(f"the app did not start within {SERVER_START_SECONDS:.0f} s; its output:\n{_tail(log)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def app_env() -> dict[str, str]:
    """Environment variables for this module's server (override it in a test module)."""
    return {}


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory, app_env: dict[str, str],
             browser_type_launch_args: dict[str, Any]) -> Iterator[LiveApp]:
    """The app served for this module's tests (it asks for the browser's options first, so a machine without
    Chromium skips before starting a server)."""
    root = tmp_path_factory.mktemp("browser-app")
    home = root / "home"
    settings = load_settings(home=home, database_url=None, llm="offline")
    store = open_store(settings)  # the schema is made here, before the server opens the database
    accounts = Accounts(store)
    log = root / "serve.log"
    process, url = serve(home, app_env, log, meanwhile=lambda: seed(store, accounts))
    try:
        yield LiveApp(url=url, settings=settings, store=store, accounts=accounts, log=log)
    finally:
        stop(process)
        store.engine.dispose()


def start_interview(page: Page, round_id: str, questions: int = 1) -> str:
    """Start a text interview of `round_id` ('loop/round') from the New interview page; its session id."""
    page.goto("/interviews/new")
    page.get_by_label("Loop and round").select_option(round_id)
    page.get_by_role("spinbutton", name="Questions").fill(str(questions))
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/interviews/[0-9a-f]+$"))
    return page.url.rsplit("/", 1)[1]


def log_in(page: Page, name: str, password: str = PASSWORD) -> None:
    """Log in through the login form as a user would and land on the sessions list."""
    page.goto("/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/sessions$"))
    expect(page.locator("header .who")).to_contain_text(name)


# screenshots -------------------------------------------------------------------------------------


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, name)`: the whole page as test-artifacts/screenshots/<test module>-<name>.png."""
    module = Path(str(request.node.fspath)).stem

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{module}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _saved_screenshots.append(path)
        return path

    return take


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                              ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test shows the end of its server's output (a 500 there names the traceback)."""
    report = yield
    app = getattr(item, "funcargs", {}).get("live_app")
    if report.failed and isinstance(app, LiveApp):
        report.sections.append(("mockinterviewer serve (last lines)", _tail(app.log, 40)))
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _saved_screenshots:
        terminalreporter.write_line(f"browser tests: {len(_saved_screenshots)} screenshot"
                                    f"{'s' if len(_saved_screenshots) > 1 else ''} saved in {SCREENSHOTS}")
