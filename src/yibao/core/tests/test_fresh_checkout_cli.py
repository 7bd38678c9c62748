"""Right after set-up, with no database file yet, every command that reads the database works.

Each command runs as the user would, in a subprocess, as the very first command on an empty var/.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from yibao.cli import app

from .test_production_server import server_env

CATALOG_FILE = Path(__file__).resolve().parents[2] / "catalog" / "tests" / "fixtures" / "sections_markdown.md"
REGULATION = "某某市医疗保障基金监督办法\n第一条　为了规范医疗保障基金使用，制定本办法。\n第二条　本办法自公布之日起施行。\n"

# Each command that reads the database: its arguments, the exit code and a line of its output.
DATABASE_COMMANDS = {
    "migrate": (["migrate"], 0, "数据库已是最新结构"),
    "deadline": (["deadline", "--from", "2025-09-30", "--days", "5", "--workdays", "--json"], 0, '"due": "2025-10-14"'),
    "deadline-recount": (["deadline-recount", "--json"], 0, '"recounted": 0'),
    "backup": (["backup", "--out", "{tmp}/backup"], 0, "已备份到"),
    "restore": (["restore", "{tmp}"], 1, "不是 yibao 备份"),
    "catalog import": (["catalog", "import", str(CATALOG_FILE), "--bureau", "某某县医疗保障局", "--date", "2025-01-01"],
                       0, "新版本"),
    "catalog export": (["catalog", "export", "--format", "json", "--out", "{tmp}/export.json"], 0, "已导出 0 项"),
    "law import": (["law", "import", "{tmp}/regulation.txt"], 0, "已导入《某某市医疗保障基金监督办法》2 条"),
    "monitor screen": (["monitor", "screen", "{tmp}", "--out", "{tmp}/out", "--bureau", "999999"], 1, "999999"),
    "monitor execute-run": (["monitor", "execute-run", "1"], 1, "未找到筛查批次 #1"),
    "monitor prescreen-compact": (["monitor", "prescreen-compact"], 0, "没有预审日志"),
    "audit verify": (["audit", "verify"], 0, "审计链完整"),
    "audit anchor": (["audit", "anchor"], 0, "锚"),
    "audit restored": (["audit", "restored", "--note", "测试"], 0, "已记录数据库恢复"),
    "audit archive": (["audit", "archive", "--before", "2000-01-01"], 0, "没有需要归档的事件"),
    "api-token create": (["api-token", "create", "--user", "nobody"], 1, "没有用户 nobody"),
    "api-token list": (["api-token", "list", "--user", "nobody"], 1, "没有用户 nobody"),
    "api-token revoke": (["api-token", "revoke", "1"], 1, "没有令牌 #1"),
    "case list": (["case", "list", "--json"], 0, "[]"),
    "case document": (["case", "document", "栾医保立〔2026〕1号", "penalty_decision", "--out", "{tmp}/d.pdf"], 1,
                      "未找到案件 栾医保立〔2026〕1号"),
    "case file": (["case", "file", "栾医保立〔2026〕1号", "--out", "{tmp}/f.zip"], 1, "未找到案件 栾医保立〔2026〕1号"),
    "documents verify": (["documents", "verify", "{tmp}/regulation.txt"], 1, "不一致"),
    "account create": (["account", "create", "sec1", "--role", "security_admin", "--bureau", "某某县医疗保障局",
                        "--password", "Another-pass-2026"], 1, "没有名为 某某县医疗保障局 的单位"),
}
# Commands that never open the database (monitor screen only with --bureau, above).
FILE_COMMANDS = {"catalog parse", "law parse", "penalty assess", "monitor generate"}
# Servers: they migrate before serving; test_demo.py and test_production_server.py start them, and
# jobs/tests/test_real_worker.py the worker.
SERVERS = {"serve", "demo", "worker"}


def command_names() -> set[str]:
    def walk(group, prefix: str) -> set[str]:
        names = set()
        for name, command in group.commands.items():
            full = f"{prefix}{name}"
            names |= walk(command, f"{full} ") if hasattr(command, "commands") else {full}
        return names

    return walk(typer.main.get_command(app), "")


def test_every_command_is_either_checked_on_an_empty_database_or_never_reads_one():
    assert command_names() == set(DATABASE_COMMANDS) | FILE_COMMANDS | SERVERS


@pytest.mark.parametrize("command", sorted(DATABASE_COMMANDS))
def test_a_command_works_as_the_first_one_on_a_fresh_checkout(tmp_path, command):
    args, code, expected = DATABASE_COMMANDS[command]
    (tmp_path / "regulation.txt").write_text(REGULATION, encoding="utf-8")
    env = server_env(tmp_path)
    assert not (tmp_path / "yibao.sqlite3").exists()

    result = subprocess.run([sys.executable, "-m", "yibao.cli", *(a.format(tmp=tmp_path) for a in args)],
                            env=env, capture_output=True, text=True, timeout=300)

    output = result.stdout + result.stderr
    assert "no such table" not in output and "Traceback" not in output, output
    assert result.returncode == code, output
    assert expected in output


def test_the_deadline_command_as_json_on_a_fresh_checkout_names_the_package_calendar(tmp_path):
    result = subprocess.run([sys.executable, "-m", "yibao.cli", "deadline", "--from", "2025-01-24", "--days", "3",
                             "--workdays", "--json"], env=server_env(tmp_path), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["due"] == "2025-02-05" and answer["calendar_version"].startswith("chinesecalendar-")
