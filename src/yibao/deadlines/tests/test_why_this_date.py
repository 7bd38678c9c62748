"""Why a due date: the statutory period's article, and the holidays and weekends left out."""

import datetime as dt

import pytest
from typer.testing import CliRunner

from yibao.deadlines.calendar import package_calendar
from yibao.deadlines.periods import (
    LAST_DAY_ON_REST_DAY_MOVES,
    PENALTY_LAW_WORKING_DAYS,
    START_DAY_NOT_COUNTED,
    STATUTORY_PERIODS,
    compute_deadline,
    compute_statutory_deadline,
    counted_makeup_workdays,
    uncounted_days,
)

from .test_due_dates import _cli

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def calendar():
    return package_calendar([2025, 2026])


def test_a_working_day_period_over_national_day_names_the_holiday_and_the_weekend_it_skipped(calendar):
    deadline = compute_deadline(D("2025-09-29"), 7, workdays=True, calendar=calendar)
    assert deadline.due == D("2025-10-15")
    assert [str(run) for run in uncounted_days(deadline, calendar)] == [
        "2025年10月1日至10月5日（国庆节假期，5天）",
        "2025年10月6日（中秋假期）",
        "2025年10月7日至10月8日（国庆节假期，2天）",
        "2025年10月12日（休息日）",
    ]
    assert counted_makeup_workdays(deadline, calendar) == [D("2025-10-11")]


def test_a_calendar_day_period_lists_only_the_rest_days_its_end_moved_across(calendar):
    moved = compute_deadline(D("2025-09-26"), 5, workdays=False, calendar=calendar)
    assert moved.nominal_end == D("2025-10-01") and moved.due == D("2025-10-09")
    assert sum(run.days for run in uncounted_days(moved, calendar)) == 8
    assert LAST_DAY_ON_REST_DAY_MOVES in moved.citations

    kept = compute_deadline(D("2025-09-15"), 15, workdays=False, calendar=calendar)
    assert kept.due == D("2025-09-30") and uncounted_days(kept, calendar) == []


def test_a_statutory_working_day_period_cites_its_article_and_article_85(calendar):
    deadline = compute_statutory_deadline(STATUTORY_PERIODS["request_hearing"], D("2025-09-29"), calendar=calendar)
    assert deadline.due == D("2025-10-13")
    labels = [c.label() for c in deadline.citations]
    assert labels[0] == "《中华人民共和国行政处罚法》第六十四条第（一）项"
    assert PENALTY_LAW_WORKING_DAYS in deadline.citations and START_DAY_NOT_COUNTED in deadline.citations
    assert deadline.explanation.startswith("当事人要求听证的，在行政机关告知后提出：自告知之日起5个工作日。")


def test_a_statutory_calendar_day_period_does_not_cite_the_working_day_rule(calendar):
    deadline = compute_statutory_deadline(STATUTORY_PERIODS["pay_fine"], D("2025-09-29"), calendar=calendar)
    assert deadline.due == D("2025-10-14")
    assert PENALTY_LAW_WORKING_DAYS not in deadline.citations


def test_a_notice_due_days_before_a_hearing_counts_back_and_skips_the_weekends_between(calendar):
    deadline = compute_statutory_deadline(STATUTORY_PERIODS["hearing_notice"], D("2025-10-14"), calendar=calendar)
    assert deadline.due == D("2025-09-28")
    assert "最迟应在该日完成" in deadline.explanation
    skipped = uncounted_days(deadline, calendar)
    assert skipped[0].first == D("2025-10-01") and skipped[-1].last == D("2025-10-12")


@pytest.mark.django_db
def test_the_deadline_command_computes_a_statutory_period_and_says_why():
    result = CliRunner().invoke(_cli(), ["deadline", "--from", "2025-09-29", "--period", "request_hearing"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("期限届满日：2025-10-13。")
    assert "依据：《中华人民共和国行政处罚法》第六十四条第（一）项" in result.stdout
    assert "未计入的日子：2025年10月1日至10月5日（国庆节假期，5天）" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2025-09-29", "--period", "no_such_period" * 20], "没有这个法定期限：no_such_period"),
    (["--from", "2025-09-29", "--period", "pay_fine", "--days", "3"], "只能指定其一"),
    (["--from", "2025-09-29"], "请指定期限天数 --days，或法定期限 --period"),
    (["--from", "x" * 500, "--days", "3"], "（共 500 字）"),
], ids=["an unknown period, shortened", "both a period and days", "neither", "a long bad date, shortened"])
def test_the_deadline_command_refuses_unclear_periods_in_chinese(args, message):
    result = CliRunner().invoke(_cli(), ["deadline", *args])
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr) < 300
