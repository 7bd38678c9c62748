"""裁量基准: the discretion benchmarks (benchmarks/*.yaml) and the band of the statutory fine range
each gives a grade (从轻, 一般, 从重, 减轻), exact to the fen.

Pure Python, like the calculator that applies them.
"""

import itertools
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

FEN = Decimal("0.01")
BENCHMARK_DIR = Path(__file__).with_name("benchmarks")


class AssessmentError(ValueError):
    """Facts the calculator cannot assess; the message is Chinese, for the user."""



@dataclass(frozen=True)
class Band:
    """An interval of fractions with explicit ends: of the statutory range, or (减轻) of its minimum."""

    lo: Decimal
    hi: Decimal
    lo_closed: bool
    hi_closed: bool

    def money(self, start: Decimal, span: Decimal) -> tuple[Decimal, Decimal] | None:
        """The band in yuan, start + span × fraction, exact to the fen with its ends honoured; None when
        no amount in fen lies inside it."""
        a, b = start + span * self.lo, start + span * self.hi
        lo = a.quantize(FEN, ROUND_CEILING) if self.lo_closed else a.quantize(FEN, ROUND_FLOOR) + FEN
        hi = b.quantize(FEN, ROUND_FLOOR) if self.hi_closed else b.quantize(FEN, ROUND_CEILING) - FEN
        return (lo, hi) if lo <= hi else None


# The penalty grades in order, lightest first: each must lie wholly below the next.
RANGE_GRADES = ("lenient", "ordinary", "severe")


@dataclass
class Benchmark:
    name: str
    title: str
    source: str
    reviewed: bool
    grades: dict[str, Band]
    mitigated_min_factors: int
    severe_when_any: tuple[str, ...]
    clauses: tuple[dict, ...] = ()


def _band(path: Path, grade: str, d: dict) -> Band:
    ends = d.get("ends", "")
    if len(ends) != 2 or ends[0] not in "[(" or ends[1] not in "])":
        raise AssessmentError(f"{path}: grades/{grade}/ends: 应为 [] [) (] () 之一（方括号含端点，圆括号不含）")
    band = Band(Decimal(d["from"]), Decimal(d["to"]), ends[0] == "[", ends[1] == "]")
    if not (0 <= band.lo < band.hi <= 1):
        raise AssessmentError(f"{path}: grades/{grade}: 比例应满足 0 ≤ from < to ≤ 1")
    return band


def _check_grades(path: Path, grades: dict[str, Band]) -> None:
    """从轻 < 一般 < 从重 strictly, covering the whole range; 减轻 strictly between zero and the minimum."""
    missing = [g for g in (*RANGE_GRADES, "mitigated") if g not in grades]
    if missing:
        raise AssessmentError(f"{path}: grades: 缺少{'、'.join(missing)}")
    first, last = grades[RANGE_GRADES[0]], grades[RANGE_GRADES[-1]]
    if first.lo != 0 or not first.lo_closed or last.hi != 1 or not last.hi_closed:
        raise AssessmentError(f"{path}: grades: 从轻应自法定最低额（含）起，从重应至法定最高额（含）止")
    for lower, upper in itertools.pairwise(RANGE_GRADES):
        a, b = grades[lower], grades[upper]
        if a.hi != b.lo or a.hi_closed == b.lo_closed:
            raise AssessmentError(f"{path}: grades/{lower}–{upper}: 相邻两档应在同一点相接，且该点只属于其中一档")
    m = grades["mitigated"]
    if (m.lo == 0 and m.lo_closed) or (m.hi == 1 and m.hi_closed):
        raise AssessmentError(f"{path}: grades/mitigated: 减轻应低于法定最低额且不为零（端点须不含）")


@cache
def load_benchmark(name: str) -> Benchmark:
    path = BENCHMARK_DIR / f"{name}.yaml"
    if not path.exists():
        names = "、".join(sorted(p.stem for p in BENCHMARK_DIR.glob("*.yaml")))
        raise AssessmentError(f"未找到裁量基准“{name}”（可用：{names}）")
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    grades = {g: _band(path, g, v) for g, v in d["grades"].items()}
    _check_grades(path, grades)
    return Benchmark(d["name"], d["title"], d["source"], d["reviewed"], grades,
                     int(d["rules"]["mitigated_min_factors"]), tuple(d["rules"]["severe_when_any"]),
                     tuple(d.get("clauses") or ()))


def available_benchmarks() -> list[Benchmark]:
    return [load_benchmark(p.stem) for p in sorted(BENCHMARK_DIR.glob("*.yaml"))]



def money(value: Decimal) -> str:
    return str(value.quantize(FEN, rounding=ROUND_HALF_UP))
