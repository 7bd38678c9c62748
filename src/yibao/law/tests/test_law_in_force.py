"""The law at the time of the act applies, unless the law at the decision is lighter (行政处罚法 第三十七条)."""

import datetime as dt
import shutil
from decimal import Decimal

import pytest

from yibao.law.calculator import Facts, assess
from yibao.law.provisions.loader import DATA_DIR, load_library

AMENDED = """
  - number: 38
    text: 定点医药机构有分解住院、挂床住院情形，造成医疗保障基金损失的，处造成损失金额{lo}倍以上{hi}倍以下的罚款。
    source: {{publication: 测试用修订文本}}
    reviewed: false
    provisions:
      - id: mfs-38
        paragraph: 1
        valid_from: "{start}"
        parties: [institution]
        conduct: 定点医药机构有本条第一款所列情形（修订后）
        clauses:
          "1": 分解住院、挂床住院
        measures:
          - kind: fine
            quote: 处造成损失金额{lo}倍以上{hi}倍以下的罚款
            when: [loss_caused]
            base: loss
            multiple: {{min: "{lo}", max: "{hi}"}}
"""


@pytest.fixture
def amended_library(tmp_path):
    """Return a loader for a library where 第三十八条 was amended on 2025-01-01 to a new range."""

    def make(lo: str, hi: str):
        for path in DATA_DIR.glob("*.yaml"):
            shutil.copy(path, tmp_path / path.name)
        path = tmp_path / "tiaoli.yaml"
        text = path.read_text(encoding="utf-8")
        first = text.index("      - id: mfs-38\n")
        text = text.replace('        valid_from: "2021-05-01"\n        parties: [institution]\n        conduct: 定点医药机构有本条第一款所列情形\n',
                            '        valid_from: "2021-05-01"\n        valid_to: "2024-12-31"\n        parties: [institution]\n'
                            '        conduct: 定点医药机构有本条第一款所列情形\n', 1)
        text = text.rstrip("\n") + "\n" + AMENDED.format(start="2025-01-01", lo=lo, hi=hi).lstrip("\n")
        assert text.index("      - id: mfs-38\n") == first
        path.write_text(text, encoding="utf-8")
        load_library.cache_clear()
        try:
            return load_library(tmp_path)
        finally:
            load_library.cache_clear()

    return make


def _facts(act: dt.date, decision: dt.date) -> Facts:
    return Facts(party="institution", provisions=["《条例》第38条第1款"], amount=Decimal("1000"),
                 circumstances={"loss_caused"}, act_date=act, decision_date=decision)


def test_the_law_at_the_time_of_the_act_applies(amended_library):
    library = amended_library("1", "2")
    result = assess(_facts(dt.date(2025, 3, 1), dt.date(2025, 6, 1)), library)
    assert result.fine == (Decimal("1000"), Decimal("2000"))
    assert result.provisions[0].provision.valid_from == dt.date(2025, 1, 1)


def test_a_lighter_new_law_applies_to_an_earlier_act(amended_library):
    library = amended_library("0.5", "1")
    result = assess(_facts(dt.date(2024, 6, 1), dt.date(2025, 6, 1)), library)
    assert result.fine == (Decimal("500"), Decimal("1000"))
    assert any("新规定处罚较轻" in n for n in result.notes)


def test_a_heavier_new_law_does_not_reach_back(amended_library):
    library = amended_library("2", "4")
    result = assess(_facts(dt.date(2024, 6, 1), dt.date(2025, 6, 1)), library)
    assert result.fine == (Decimal("1000"), Decimal("2000"))
    assert not any("新规定处罚较轻" in n for n in result.notes)
