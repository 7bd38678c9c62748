"""The README's first command: `yibao demo` prepares the demo data and serves it on 127.0.0.1."""

import os
import signal
import subprocess
import sys
import time

import pytest

from yibao.org.constants import DEMO_PASSWORD

from .test_production_server import free_port, get, server_env


def test_the_demo_prepares_its_data_and_serves_with_debug_off_and_static_files(tmp_path):
    env = server_env(tmp_path)
    subprocess.run([sys.executable, "-m", "yibao.cli", "migrate"], env=env, check=True, capture_output=True,
                   timeout=300)
    port = free_port()
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "yibao.cli", "demo", "--port", str(port)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                status, _, body = get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("the demo did not serve:\n" + log.read_text(errors="replace"))
                time.sleep(0.5)
        assert status == 200 and "登录" in body.decode()
        printed = log.read_text(errors="replace")
        assert f"演示账号（密码 {DEMO_PASSWORD}）" in printed and "智能监控：已筛查示例数据" in printed
        assert "YIBAO_SECRET_KEY" not in printed  # the development server, not the production one
        # DEBUG off: a mistyped address (under a prefix open without login) is the Chinese 404, not
        # Django's debug page listing every URL; static files are still served (WhiteNoise).
        status, _, body = get(f"http://127.0.0.1:{port}/healthz-no-such-page")
        assert status == 404 and "页面不存在" in body.decode() and "URLconf" not in body.decode()
        status, headers, body = get(f"http://127.0.0.1:{port}/static/yibao/yibao.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and body
        status, headers, _ = get(f"http://127.0.0.1:{port}/favicon.ico")
        assert status == 200 and headers["Content-Type"] == "image/x-icon"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
