"""Pre-screen calls go to the rotated access log as counts, not to the audit chain one event each."""

import io
from logging.handlers import TimedRotatingFileHandler

import pytest

from yibao.core.auditlog import access_log
from yibao.core.auditlog.retention import LOG_BACKUP_DAYS
from yibao.core.models import AuditEvent

URL = "/api/v1/prescreen"


def _fast_call(key: str) -> int:
    from yibao.monitoring.prescreen.fastpath import with_fast_path

    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": URL, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": "2", "wsgi.input": io.BytesIO(b"{}"), "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_X_API_KEY": key}
    seen = []
    b"".join(with_fast_path(None)(environ, lambda status, headers, *exc: seen.append(int(status[:3]))))
    return seen[0]


def _log_text(settings) -> str:
    access_log.flush()
    return (settings.YIBAO_LOG_DIR / access_log.FILE_NAME).read_text(encoding="utf-8")


def test_fast_path_calls_are_counted_by_key_bureau_and_outcome_without_the_key_itself(settings):
    settings.YIBAO_PRESCREEN_KEYS = ""
    access_log.flush()
    assert [_fast_call("secret-key-1"), _fast_call("secret-key-1")] == [401, 401]
    text = _log_text(settings)
    assert f"key={access_log.fingerprint('secret-key-1')} bureau=- count=2 outcome=refused" in text
    assert "secret-key-1" not in text


@pytest.mark.django_db
def test_a_prescreen_call_through_django_is_logged_and_writes_no_chain_event(client, settings):
    before = AuditEvent.objects.count()
    assert client.post(URL, b"{}", content_type="application/json").status_code == 401
    assert "outcome=refused" in _log_text(settings)
    assert AuditEvent.objects.count() == before


def test_the_access_log_rotates_daily_and_keeps_six_months(settings):
    _fast_call("k")
    _log_text(settings)
    handler = next(h for h in access_log._log.handlers if isinstance(h, TimedRotatingFileHandler))
    assert (handler.when, handler.backupCount) == ("MIDNIGHT", LOG_BACKUP_DAYS)
    assert LOG_BACKUP_DAYS >= 183
