"""Shared pytest set-up for every test under src/yibao.

* Every test that touches the database gets the ``db`` marker, so ``pytest -m db`` runs just those
  (``make test`` runs them a second time on PostgreSQL).
* Browser tests drive Debian's /usr/bin/chromium through Playwright's sync API. Fixtures:
  ``browser`` (one per session), ``page`` (a fresh context and page per test) and
  ``logged_in_page`` (a superuser logged in through the real login form of ``live_server``).
  Mark such tests ``@pytest.mark.e2e``; ``page`` pulls in ``live_server`` and so a transactional
  database. When a browser test fails, a screenshot lands in test-artifacts/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; without this Django refuses ORM calls
# made by the test itself ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DB_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "client",
        "async_client",
        "admin_client",
        "admin_user",
        "django_user_model",
    }
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

E2E_USERNAME = "e2e_inspector"
E2E_PASSWORD = "e2e-Passw0rd-2026"

ARTIFACTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts"


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") is not None:
        return True
    if DB_FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TransactionTestCase

        return issubclass(cls, TransactionTestCase)
    return False


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns on every request handler when STATIC_ROOT is missing (before collectstatic).
    from django.conf import settings

    if settings.configured and settings.STATIC_ROOT:
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    # The law library's full texts load after every migrate (law.apps); tests build the library they need.
    settings.YIBAO_LOAD_LAW_TEXTS = False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("db") is None and _uses_database(item):
            item.add_marker(pytest.mark.db)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item, so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_path() -> str | None:
    """Debian's Chromium, or the one named by YIBAO_CHROMIUM."""
    for candidate in (os.environ.get("YIBAO_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright, never `playwright install`)."""
    executable = chromium_path()
    if executable is None:
        message = (
            "Chromium not found at /usr/bin/chromium: browser tests need Debian's chromium package. "
            "Run `bash scripts/setup-system.sh` (or `apt-get install chromium`)."
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        instance = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    yield instance
    instance.close()
    playwright.stop()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, live_server):
    """A fresh browser context and page for one test; a screenshot on failure goes to test-artifacts/."""
    context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    pw_page = context.new_page()
    yield pw_page
    report = getattr(request.node, "rep_call", None)
    shot = ARTIFACTS_DIR / (re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[-150:] + ".png")
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        try:
            pw_page.screenshot(path=str(shot), full_page=True)
        except Exception as exc:  # a broken page must not hide the real failure
            print(f"screenshot failed: {exc}")
    else:
        shot.unlink(missing_ok=True)  # an old failure's screenshot would mislead
    context.close()


def totp_device_for(username: str):
    """The user's confirmed TOTP device, created if missing (a browser test's phone)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = get_user_model().objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="e2e", confirmed=True)


def totp_token(device) -> str:
    """The token the device's authenticator app shows now (the next step's, if now's was used already:
    django-otp refuses a token twice, and accepts one step of drift)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and device.last_t >= totp.t():
        totp.drift += 1
    return f"{totp.token():0{device.digits}d}"


def login(page, live_server, username: str, password: str) -> None:
    """Log in through the real login form, and with a TOTP token where the second factor is due; raise
    AssertionError if the site does not let us in."""
    from django.contrib.auth import get_user_model

    from yibao.org.auth.twofactor import second_factor_required

    if second_factor_required(get_user_model().objects.get(username=username)):
        totp_device_for(username)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if "/account/2fa/verify/" in page.url:
        page.fill("input[name=token]", totp_token(totp_device_for(username)))
        page.get_by_role("button", name="验证").click()
        page.wait_for_load_state()
    if "/login/" in page.url or "/account/2fa/" in page.url:
        raise AssertionError(f"login as {username!r} failed; still on {page.url}")


@pytest.fixture
def logged_in_page(page, live_server, django_user_model):
    """A page already logged in as superuser E2E_USERNAME (password E2E_PASSWORD), on the home page."""
    django_user_model.objects.create_superuser(
        username=E2E_USERNAME, password=E2E_PASSWORD, email="e2e@example.invalid"
    )
    login(page, live_server, E2E_USERNAME, E2E_PASSWORD)
    return page


@pytest.fixture(scope="session", autouse=True)
def audit_guard_allows_test_flush():
    """Let the flush after a transactional (browser) test empty the audit table on SQLite."""
    from yibao.core.migrations._audit_guard import flush_lifts_guard

    with flush_lifts_guard():
        yield


@pytest.fixture(autouse=True)
def audit_files_apart(settings, tmp_path_factory):
    """Each test anchors and archives the audit chain in a folder of its own, not in var/ beside the
    development database's (whose anchors name events a test database does not have)."""
    folder = tmp_path_factory.mktemp("audit")
    settings.YIBAO_AUDIT_ANCHOR_FILE = folder / "anchors.log"
    settings.YIBAO_AUDIT_ARCHIVE_DIR = folder / "archive"
    settings.YIBAO_LOG_DIR = folder / "log"


@pytest.fixture(autouse=True)
def second_factor_off(settings):
    """Tests sign in with force_login or the password alone; a test of the second factor turns it on
    (settings.YIBAO_REQUIRE_2FA = True), and the browser fixtures then give a TOTP token (login())."""
    settings.YIBAO_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash test passwords cheaply: the real hasher costs a noticeable fraction of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def county(db):
    """A county bureau with its default sections and posts."""
    from yibao.org.constants import BureauLevel
    from yibao.org.services import do_create_bureau

    return do_create_bureau("栾川县医疗保障局", level=BureauLevel.COUNTY, code="410324", actor=None)


@pytest.fixture
def make_user(db):
    """Return a function that creates a user with a role in a bureau (password 'pw')."""
    from django.contrib.auth import get_user_model

    from yibao.org.models import UserProfile

    def make(username: str, role: str | None, bureau=None, **extra):
        user = get_user_model().objects.create_user(username=username, password="pw", **extra)
        if role is not None:
            UserProfile.objects.create(user=user, bureau=bureau, role=role)
        return user

    return make


@pytest.fixture
def jobs_inline(monkeypatch):
    """Background jobs run inside the call that queues them (django-q2's sync mode): no worker process
    could see the test database, which is in memory or inside the test's transaction."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
