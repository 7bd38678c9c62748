"""`yibao serve --production`: gunicorn with DEBUG off, the static files served by WhiteNoise."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("YIBAO_SECRET_KEY", "YIBAO_DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update(YIBAO_DATABASE_URL=f"sqlite:///{tmp_path / 'yibao.sqlite3'}", YIBAO_VAR=str(tmp_path / "var"), **extra)
    return env


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_production_server_serves_pages_and_static_files_with_debug_off(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "yibao.cli", "serve", "--production", "--port", str(port), "--workers", "1"],
        env=server_env(tmp_path, YIBAO_SECRET_KEY="test-" + "x" * 50, YIBAO_HTTPS="0"), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("server did not start:\n" + proc.stdout.read().decode(errors="replace"))
                time.sleep(0.3)
        status, _, body = get(f"http://127.0.0.1:{port}/login/")
        assert status == 200 and "登录" in body.decode()
        status, headers, body = get(f"http://127.0.0.1:{port}/static/yibao/yibao.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        # DEBUG off: an unknown address (under a prefix open without login) is the plain 404, not
        # Django's debug page listing the URL patterns.
        status, _, body = get(f"http://127.0.0.1:{port}/api/v1/prescreen/no-such-page")
        assert status == 404 and b"URLconf" not in body
        assert (tmp_path / "var" / "staticfiles" / "yibao" / "yibao.css").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_production_server_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run([sys.executable, "-m", "yibao.cli", "serve", "--production"],
                            env=server_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "YIBAO_SECRET_KEY" in result.stderr
