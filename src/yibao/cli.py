"""The yibao command line: `yibao --help`."""

import datetime as dt
import json
import os
import sys
from pathlib import Path

import typer

app = typer.Typer(help="医保执法系统命令行 (yibao)", no_args_is_help=True, add_completion=False)
catalog_app = typer.Typer(help="权责清单：解析、导入、导出", no_args_is_help=True)
law_app = typer.Typer(help="法规库：解析法规文本", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(law_app, name="law")

SEEDS_DIR_ENV = "YIBAO_SEEDS"


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
    import django

    django.setup()


def _print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


@catalog_app.command("parse")
def catalog_parse(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False, help="清单文件 (.txt .xlsx .docx)"),
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
        _print_json(out)
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
    _django()
    from yibao.catalog.importing import import_files

    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"日期格式不正确：{date}（应为 YYYY-MM-DD）")
    results, errors = import_files(files, bureau=bureau, date=when)
    if as_json:
        _print_json({"imported": results, "errors": errors})
    else:
        for r in results:
            state = "新版本" if r["created"] else "内容未变，未导入"
            typer.echo(f"{r['title']}：{state}（第{r['version']}版，{r['items']}项；"
                       f"新增{len(r['added'])}，删除{len(r['removed'])}，变更{len(r['changed'])}）")
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
    _django()
    from yibao.catalog.exporting import export_catalog

    if fmt not in ("json", "xlsx"):
        _fail(f"不支持的格式：{fmt}（应为 json 或 xlsx）")
    count = export_catalog(out, fmt=fmt, bureau=bureau)
    typer.echo(f"已导出 {count} 项到 {out}")


@law_app.command("parse")
def law_parse(
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Parse a regulation into articles, paragraphs and clauses; touch no database."""
    from yibao.law.regulation import RegulationParseError, parse_regulation_file

    try:
        parsed = parse_regulation_file(file)
    except RegulationParseError as e:
        _fail(str(e))
    if as_json:
        _print_json(parsed.as_dict())
    else:
        typer.echo(f"{parsed.title}：{len(parsed.articles)} 条")


@law_app.command("import")
def law_import(file: Path = typer.Argument(..., exists=True, dir_okay=False)) -> None:
    """Import a regulation's articles into the law library."""
    _django()
    from yibao.law.regulation import RegulationParseError, parse_regulation_file
    from yibao.law.services import do_import_regulation

    try:
        law = do_import_regulation(parse_regulation_file(file), source_file=file.name)
    except (RegulationParseError, ValueError) as e:
        _fail(str(e))
    typer.echo(f"已导入《{law.name}》{law.articles.count()} 条")


@app.command()
def migrate() -> None:
    """Create or update the database tables."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    typer.echo("数据库已是最新结构")


@app.command()
def serve(port: int = typer.Option(8000, "--port"), host: str = typer.Option("127.0.0.1", "--host")) -> None:
    """Serve the web application."""
    _django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    typer.echo(f"医保执法系统：http://{host}:{port}/")
    call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)


@app.command()
def demo(
    port: int = typer.Option(8000, "--port"),
    seeds: Path | None = typer.Option(None, "--seeds", help="示例文件目录（默认 ../shared/seeds）"),
    no_serve: bool = typer.Option(False, "--no-serve", help="只准备示例数据，不启动服务"),
) -> None:
    """Prepare the demo database (bureaus, users, the five seeds) if needed, then serve."""
    _django()
    from yibao.core.demo import prepare_demo

    summary = prepare_demo(seeds)
    typer.echo(summary)
    if not no_serve:
        serve(port=port, host="127.0.0.1")


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
