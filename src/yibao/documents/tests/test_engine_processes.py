"""Issuing at once on SQLite: processes on one file database (not the in-memory test database, which locks
whole tables between threads) get distinct numbers without gaps."""

import json
import subprocess
import sys
from pathlib import Path

from yibao.core.tests.test_production_server import server_env


def test_documents_issued_at_once_by_several_processes_on_sqlite_get_distinct_gap_free_numbers(tmp_path):
    script = Path(__file__).with_name("issue_processes.py")
    result = subprocess.run([sys.executable, str(script), str(tmp_path)], env=server_env(tmp_path),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    assert not [n for n in numbers if n.startswith("error")], numbers
    sequences = sorted(int(n.split("〕")[1].removesuffix("号")) for n in numbers)
    assert sequences == list(range(1, len(numbers) + 1))
