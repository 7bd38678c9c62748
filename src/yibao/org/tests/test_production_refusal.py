"""`serve --production` refuses to start on settings or accounts a stranger could use (docs/security.md)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from yibao.org.auth.production import account_problems, configuration_problems, demo_usernames
from yibao.org.constants import DEMO_PASSWORD

STRONG_KEY = secrets.token_urlsafe(64)


def production_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("YIBAO_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(YIBAO_DATABASE_URL=f"sqlite:///{tmp_path / 'yibao.sqlite3'}", YIBAO_VAR=str(tmp_path / "var"),
               **extra)
    return env


def serve_production(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yibao.cli", "serve", "--production", "--no-worker"],
                          env=env, capture_output=True, text=True, timeout=180)


def test_a_one_character_secret_key_is_refused_in_chinese(tmp_path):
    result = serve_production(production_env(tmp_path, YIBAO_SECRET_KEY="x"))
    assert result.returncode != 0
    assert "拒绝以生产模式启动" in result.stderr and "YIBAO_SECRET_KEY 太短" in result.stderr


def test_the_built_in_key_debug_and_two_factor_off_are_each_named(settings):
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    settings.DEBUG = True
    settings.YIBAO_REQUIRE_2FA = False
    problems = "\n".join(configuration_problems())
    assert "内置的开发密钥" in problems and "DEBUG 已打开" in problems and "YIBAO_REQUIRE_2FA=0" in problems


def test_a_long_random_key_with_debug_off_and_two_factor_on_passes(settings):
    settings.SECRET_KEY = STRONG_KEY
    settings.DEBUG = False
    settings.YIBAO_REQUIRE_2FA = True
    assert configuration_problems() == []


@pytest.mark.django_db
def test_demo_accounts_and_the_shared_demo_password_are_refused():
    User = get_user_model()
    assert account_problems() == []
    User.objects.create_user(username="yangquan.head", password="Other-pass-2026")
    User.objects.create_user(username="zhangsan", password=DEMO_PASSWORD)
    problems = "\n".join(account_problems())
    assert "演示账号（yangquan.head）" in problems
    assert "仍使用演示密码（zhangsan）" in problems


def test_every_demo_bureau_s_users_count_as_demo_accounts():
    names = demo_usernames()
    assert {"admin", "security_admin", "audit_admin", "head", "officer1", "luoyang.head",
            "hongsibu.analyst"} <= names


@pytest.mark.django_db
def test_a_superuser_other_than_the_system_account_is_refused_as_against_the_separation_of_duties():
    from yibao.org.constants import SYSTEM_USERNAME

    User = get_user_model()
    User.objects.create_superuser(SYSTEM_USERNAME, password=None)
    assert account_problems() == []
    User.objects.create_superuser("root", password="Other-pass-2026")
    User.objects.create_superuser("gone", password="Other-pass-2026", is_active=False)
    problems = "\n".join(account_problems())
    assert "1 个在用的超级用户（root）" in problems and "三权分立" in problems


@pytest.mark.django_db
def test_the_system_account_with_a_usable_password_is_refused():
    from yibao.org.constants import SYSTEM_USERNAME

    get_user_model().objects.create_superuser(SYSTEM_USERNAME, password="Other-pass-2026")
    assert any(f"系统账号 {SYSTEM_USERNAME} 设置了可用的密码" in p for p in account_problems())


def test_production_on_a_database_with_the_demo_accounts_refuses_to_start(tmp_path):
    env = production_env(tmp_path, YIBAO_SECRET_KEY=STRONG_KEY)
    made = subprocess.run(
        [sys.executable, "-c",
         "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'yibao.settings'; django.setup();"
         "from django.core.management import call_command; call_command('migrate', verbosity=0);"
         "from django.contrib.auth import get_user_model;"
         "from yibao.org.constants import DEMO_PASSWORD;"
         "get_user_model().objects.create_superuser('admin', password=DEMO_PASSWORD)"],
        env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    result = serve_production(env)
    assert result.returncode != 0
    assert "演示账号（admin）" in result.stderr and "仍使用演示密码（admin）" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    # Production keeps the audit chain's key outside the database, in the environment (yibao.audit.E001).
    env = production_env(tmp_path, YIBAO_SECRET_KEY=STRONG_KEY, YIBAO_HTTPS="1", YIBAO_AUDIT_KEY="k" * 64,
                         DJANGO_SETTINGS_MODULE="yibao.settings")
    result = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_for_explicitly(tmp_path):
    show = [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"]
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="yibao.settings")
    assert subprocess.run(show, env=env, capture_output=True, text=True, timeout=60).stdout.strip() == "False"
    env["YIBAO_DEBUG"] = "1"
    assert subprocess.run(show, env=env, capture_output=True, text=True, timeout=60).stdout.strip() == "True"
