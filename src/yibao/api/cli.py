"""`yibao api-token create --user NAME --name 用途` / `list --user NAME` / `revoke ID`: personal API tokens
from the command line, for a site administrator setting up a machine caller. Each create and revoke is
audited like the page's, with no signed-in actor (the command line is the operator's).

Wired in yibao/cli.py as `app.add_typer(token_app, name="api-token")`.
"""

import json
import os

import typer

token_app = typer.Typer(help="个人 API 令牌：创建、列出、撤销", no_args_is_help=True)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()
    from yibao.core.schema import ensure_sqlite_schema

    ensure_sqlite_schema()


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        typer.echo(f"没有用户 {username}", err=True)
        raise typer.Exit(1)
    return user


@token_app.command("create")
def create(
    user: str = typer.Option(..., "--user", help="令牌所属的用户名"),
    name: str = typer.Option("命令行创建", "--name", help="令牌的用途"),
) -> None:
    """Create a token and print it once: it is not kept and cannot be shown again."""
    _setup_django()
    from .tokens import TokenError, do_create_api_token

    try:
        token, raw = do_create_api_token(_user(user), name, actor=None)
    except TokenError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"已为 {user} 创建令牌 #{token.pk}“{token.name}”。令牌只显示这一次：", err=True)
    typer.echo(raw)


@token_app.command("list")
def list_tokens(
    user: str = typer.Option(..., "--user", help="用户名"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The user's tokens (prefix, use, dates), never the tokens themselves."""
    _setup_django()
    from .models import ApiToken

    rows = [{"id": t.pk, "name": t.name, "prefix": t.prefix, "created_at": t.created_at.isoformat(),
             "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
             "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None}
            for t in ApiToken.objects.filter(user=_user(user))]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        state = f"已撤销 {r['revoked_at'][:16]}" if r["revoked_at"] else "有效"
        typer.echo(f"#{r['id']}  {r['prefix']}…  {r['name']}  {state}")


@token_app.command("revoke")
def revoke(token_id: int = typer.Argument(..., help="令牌编号（list 的 #）")) -> None:
    _setup_django()
    from .models import ApiToken
    from .tokens import TokenError, do_revoke_api_token

    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        typer.echo(f"没有令牌 #{token_id}", err=True)
        raise typer.Exit(1)
    try:
        do_revoke_api_token(token, actor=None)
    except TokenError as e:
        typer.echo(str(e), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"已撤销令牌 #{token_id}“{token.name}”")
