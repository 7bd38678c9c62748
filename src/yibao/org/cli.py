"""`yibao account create`: accounts from the command line on the server, as the system (三权分立's
bootstrap: the first security administrator is made here; every later account by a security administrator
on the admin's 用户 pages). Never a superuser.

Wired in yibao/cli.py as `app.add_typer(account_app, name="account")`.
"""

import typer

from yibao.core.cli_support import django_setup, fail

account_app = typer.Typer(help="账号：在服务器上建立账号（如第一位安全管理员）", no_args_is_help=True)


@account_app.command("create")
def account_create(
    username: str = typer.Argument(..., help="登录名"),
    role: str = typer.Option(..., "--role", help="角色，如 security_admin、admin、audit_admin、head"),
    bureau: str = typer.Option(..., "--bureau", help="所属单位的名称"),
    full_name: str = typer.Option("", "--name", help="姓名"),
    password: str = typer.Option(..., "--password", prompt="密码", hide_input=True, confirmation_prompt=True,
                                 envvar="YIBAO_NEW_PASSWORD", help="不写则提示输入（或用环境变量 YIBAO_NEW_PASSWORD）"),
) -> None:
    """Create an account with a role in a bureau; the password must meet the rules."""
    django_setup()
    from django.contrib.auth import get_user_model, password_validation
    from django.core.exceptions import ValidationError

    from yibao.org.accounts import do_create_account
    from yibao.org.constants import Role
    from yibao.org.models import Bureau

    if role not in Role.values:
        fail(f"没有这种角色：{role}（可用：{'、'.join(Role.values)}）")
    unit = Bureau.objects.filter(name=bureau.strip()).first()
    if unit is None:
        fail(f"没有名为 {bureau} 的单位")
    if get_user_model().objects.filter(username=username).exists():
        fail(f"账号 {username} 已存在")
    try:
        password_validation.validate_password(password, get_user_model()(username=username))
    except ValidationError as error:
        fail("密码不符合要求：" + "；".join(error.messages))
    user = do_create_account(username, password=password, role=role, bureau=unit, full_name=full_name, actor=None)
    typer.echo(f"已建立账号 {user.username}（{Role(role).label}，{unit.name}）；首次登录时须设置动态口令。")
