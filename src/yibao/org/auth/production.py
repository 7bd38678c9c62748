"""What `serve --production` refuses to start with: anything that would let a stranger in by default."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password

from ..constants import DEMO_PASSWORD, DEMO_USERS, SYSTEM_USERNAME

# Django's own advice (check --deploy, security.W009): at least 50 characters.
MIN_SECRET_KEY_LENGTH = 50


def demo_usernames() -> set[str]:
    """Every username the demo creates: its bureau's plain names and each other bureau's prefixed ones."""
    from yibao.core.demo import DEMO_BUREAUS

    plain = {name for name, *_ in DEMO_USERS}
    return plain | {f"{bureau.slug}.{name}" for bureau in DEMO_BUREAUS for name in plain}


def configuration_problems() -> list[str]:
    """Reasons, in Chinese, the settings are unfit for production; empty when none. Needs no database."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG 已打开（YIBAO_DEBUG=1）：出错页会把配置和全部网址展示给访问者。")
    key = settings.SECRET_KEY
    if key == settings.DEV_SECRET_KEY:
        problems.append("YIBAO_SECRET_KEY 未设置，正在使用内置的开发密钥，任何人都能伪造会话。")
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        problems.append(f"YIBAO_SECRET_KEY 太短或太简单（{len(key)} 个字符），"
                        f"须为至少 {MIN_SECRET_KEY_LENGTH} 个字符的随机字符串，"
                        "例如：python3 -c 'import secrets; print(secrets.token_urlsafe(64))'。")
    if not settings.YIBAO_REQUIRE_2FA:
        problems.append("双因素登录已关闭（YIBAO_REQUIRE_2FA=0）：生产环境中管理员和负责人必须使用动态口令。")
    return problems


def account_problems() -> list[str]:
    """Reasons, in Chinese, the accounts are unfit for production: demo accounts, the shared demo password."""
    User = get_user_model()
    problems = []
    present = sorted(User.objects.filter(username__in=demo_usernames()).values_list("username", flat=True))
    if present:
        shown = "、".join(present[:8]) + ("等" if len(present) > 8 else "")
        problems.append(f"数据库中有 {len(present)} 个演示账号（{shown}），请删除或停用后再以生产模式启动。")
    shared = [user.username for user in User.objects.filter(is_active=True).only("username", "password")
              if user.has_usable_password() and check_password(DEMO_PASSWORD, user.password)]
    if shared:
        shown = "、".join(shared[:8]) + ("等" if len(shared) > 8 else "")
        problems.append(f"{len(shared)} 个账号仍使用演示密码（{shown}），请先修改这些账号的密码。")
    return problems + separation_problems()


def separation_problems() -> list[str]:
    """三权分立: a superuser holds every administrator's duties at once (one role per account and permissions
    from roles alone leave it the only way to hold two), so none may sign in but the system account."""
    User = get_user_model()
    problems = []
    supers = sorted(User.objects.filter(is_superuser=True, is_active=True).exclude(username=SYSTEM_USERNAME)
                    .values_list("username", flat=True))
    if supers:
        shown = "、".join(supers[:8]) + ("等" if len(supers) > 8 else "")
        problems.append(f"数据库中有 {len(supers)} 个在用的超级用户（{shown}）：超级用户同时拥有系统管理员和"
                        "安全管理员的全部权限，违反三权分立。请取消其超级用户身份"
                        "（由安全管理员分配角色），或停用这些账号。")
    system = User.objects.filter(username=SYSTEM_USERNAME, is_active=True).first()
    if system is not None and system.has_usable_password():
        problems.append(f"命令行系统账号 {SYSTEM_USERNAME} 设置了可用的密码：它是超级用户，不得用于登录，"
                        "请将其密码设为不可用（set_unusable_password）。")
    return problems


def production_problems() -> list[str]:
    return configuration_problems() + account_problems()
