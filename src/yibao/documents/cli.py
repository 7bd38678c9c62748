"""`yibao case list|document|file` and `yibao documents verify FILE`: cases and their documents from the
command line, on the demo cases as on any. With `--user NAME` a command acts as that user (the same
checks and audit events as the pages); without it, as the system account `yibao-system`, a superuser
without a usable password that exists only so the trail names who acted. The command line renders a PDF
in its own process (django-q2's sync mode), since no worker is needed to wait for.

Wired in yibao/cli.py as `app.add_typer(case_app, name="case")` and `app.add_typer(documents_app, …)`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import typer

from yibao.org.constants import SYSTEM_USERNAME

case_app = typer.Typer(help="案件：列出案件、导出文书和案卷", no_args_is_help=True)
documents_app = typer.Typer(help="执法文书：核验文件", no_args_is_help=True)


def _django() -> None:
    from yibao.cli import _django as setup

    setup()


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _actor(username: str | None):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    if username:
        user = users.filter(username=username, is_active=True).first()
        if user is None:
            _fail(f"没有在用的用户 {username}")
        return user
    user, created = users.get_or_create(username=SYSTEM_USERNAME, defaults={
        "first_name": "系统", "is_superuser": True, "is_staff": False, "is_active": True})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _case(number: str, actor):
    from yibao.cases.services.access import visible_cases

    case = visible_cases(actor).select_related("bureau").filter(number=number).first()
    if case is None:
        _fail(f"未找到案件 {number}，或不在 {actor.get_username()} 的查看范围内")
    return case


@case_app.command("list")
def case_list(
    state: str | None = typer.Option(None, "--state", help="只列出该状态的案件，如 decided、closed"),
    user: str | None = typer.Option(None, "--user", help="以该用户身份（默认系统账号）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """The cases the user sees: number, state, party, bureau."""
    _django()
    from yibao.cases.procedure import STATE_LABELS, CaseState
    from yibao.cases.services.access import visible_cases

    if state is not None and state not in CaseState.__members__.values():
        _fail(f"没有这种状态：{state}（可用：{'、'.join(s.value for s in CaseState)}）")
    cases = visible_cases(_actor(user)).select_related("bureau").prefetch_related("parties").order_by("id")
    if state:
        cases = cases.filter(state=state)
    rows = [{"number": c.number, "state": c.state, "state_label": STATE_LABELS[CaseState(c.state)],
             "party": "、".join(p.name for p in c.parties.all()), "bureau": c.bureau.name, "title": c.title}
            for c in cases]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['number'] or '（未立案）'}\t{r['state_label']}\t{r['party']}\t{r['bureau']}")


@case_app.command("document")
def case_document(
    number: str = typer.Argument(..., help="案号，如 栾医保立〔2026〕1号"),
    kind: str = typer.Argument(..., help="文书类型，如 penalty_decision（GLOSSARY.md）"),
    fmt: str = typer.Option("pdf", "--format", help="docx 或 pdf"),
    out: Path = typer.Option(..., "--out", help="输出文件"),
    user: str | None = typer.Option(None, "--user", help="以该用户身份（默认系统账号）"),
) -> None:
    """The issued document of the kind if there is one, else a preview (no number)."""
    _django()
    from django_q.conf import Conf

    from yibao.cases.procedure import Refusal
    from yibao.documents import services

    if fmt not in ("docx", "pdf"):
        _fail(f"不支持的格式：{fmt}（应为 docx 或 pdf）")
    Conf.SYNC = True  # the PDF is made here and now
    actor = _actor(user)
    case = _case(number, actor)
    try:
        document = services.issued_document(case, kind) or services.do_request_preview(case, kind, actor=actor)
        if document.render_status == "failed":
            _fail(f"{document.label} 的 PDF 未能生成：{document.render_error}")
        path = services.do_download(document, fmt, actor=actor)
    except Refusal as refused:
        _fail(refused.message)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, out)
    what = f"已签发 {document.number}" if document.number else "预览（未编号）"
    typer.echo(f"{document.label}（{what}）已写入 {out}")


@case_app.command("file")
def case_file(
    number: str = typer.Argument(..., help="案号"),
    out: Path = typer.Option(..., "--out", help="输出文件：.pdf 为案卷 PDF，.zip 为原件与哈希清单"),
    user: str | None = typer.Option(None, "--user", help="以该用户身份（默认系统账号）"),
) -> None:
    """The case file (一案一卷) as one PDF, or as a ZIP of the originals with their hashes (by --out's suffix)."""
    _django()
    from yibao.cases.procedure import Refusal
    from yibao.documents import casefile, rendering

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "zip"):
        _fail("--out 应以 .pdf 或 .zip 结尾")
    actor = _actor(user)
    case = _case(number, actor)
    try:
        data, _name = casefile.do_download_case_file(case, fmt, actor=actor)
    except (Refusal, rendering.RenderError) as e:
        _fail(getattr(e, "message", str(e)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    typer.echo(f"案卷已写入 {out}（{len(data)} 字节）")


@documents_app.command("verify")
def documents_verify(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="文书的 PDF 或 DOCX 文件"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recompute the file's SHA-256 and compare it with the issued documents' record (exit 1: no match)."""
    _django()
    from yibao.documents import verification
    from yibao.documents.rendering import sha256_file

    document = verification.find_by_file(file)
    digest = sha256_file(file)
    if as_json:
        typer.echo(json.dumps({"sha256": digest, "match": document is not None,
                               "record": verification.public_record(document) if document else None},
                              ensure_ascii=False, indent=2))
    elif document is not None:
        typer.echo(f"一致：{document.label} {document.number}，{document.bureau.name} {document.issued_on} 签发；"
                   f"SHA-256 {digest}")
    else:
        typer.echo(f"不一致：该文件（SHA-256 {digest}）与任何已签发文书的记录都不相符，可能被修改过", err=True)
    if document is None:
        raise typer.Exit(1)
