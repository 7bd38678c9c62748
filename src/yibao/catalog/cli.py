"""`yibao catalog parse|import|export`: the 权责清单 from the command line.

Wired in yibao/cli.py as `app.add_typer(catalog_app, name="catalog")`.
"""

import datetime as dt
from pathlib import Path

import typer

from yibao.core.cli_support import django_setup, fail, print_json

catalog_app = typer.Typer(help="权责清单：解析、导入、导出", no_args_is_help=True)


@catalog_app.command("parse")
def catalog_parse(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="清单文件（.txt .tsv .md .html .xlsx .docx，同 parsing.document.SUPPORTED_SUFFIXES）"),
    as_json: bool = typer.Option(False, "--json", help="输出 JSON"),
) -> None:
    """Parse catalogue files and print them; touch no database."""
    from yibao.catalog.parsing import CatalogParseError, parse_catalog_file

    out, failed = [], False
    for f in files:
        try:
            out.append(parse_catalog_file(f).as_dict())
        except CatalogParseError as e:
            failed = True
            typer.echo(str(e), err=True)
    if as_json:
        print_json(out)
    else:
        for doc in out:
            typer.echo(f"{doc['source']}: {doc['title']}（{doc['bureau']}）{len(doc['items'])} 项")
    if failed:
        raise typer.Exit(1)


@catalog_app.command("import")
def catalog_import(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False),
    bureau: str | None = typer.Option(None, "--bureau", help="单位名称（文件未写明时）"),
    date: str | None = typer.Option(None, "--date", help="清单日期 YYYY-MM-DD（文件未写明时）"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Import catalogue files into the database: each file all or nothing."""
    django_setup()
    from yibao.catalog.importing import import_files

    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        fail(f"日期格式不正确：{date}（应为 YYYY-MM-DD）")
    results, errors = import_files(files, bureau=bureau, date=when)
    if as_json:
        print_json({"imported": results, "errors": errors})
    else:
        for r in results:
            state = "新版本" if r["created"] else "内容未变，未导入"
            typer.echo(f"{r['title']}：{state}（第{r['version']}版，{r['items']}项；"
                       f"新增{len(r['added'])}，删除{len(r['removed'])}，变更{len(r['changed'])}，"
                       f"更名{len(r['renamed'])}）")
        for e in errors:
            typer.echo(e, err=True)
    if errors:
        raise typer.Exit(1)


@catalog_app.command("export")
def catalog_export(
    fmt: str = typer.Option("json", "--format", help="json 或 xlsx"),
    out: Path = typer.Option(..., "--out", help="输出文件"),
    bureau: str | None = typer.Option(None, "--bureau", help="只导出该单位"),
) -> None:
    """Export the current items of every (or one) bureau."""
    django_setup()
    from yibao.catalog.exporting import export_catalog

    if fmt not in ("json", "xlsx"):
        fail(f"不支持的格式：{fmt}（应为 json 或 xlsx）")
    count = export_catalog(out, fmt=fmt, bureau=bureau)
    typer.echo(f"已导出 {count} 项到 {out}")
