"""The deadlines counted here from the dates a case stores, with the bureau's parameters and the working-day
calendar: the legal review (from the day the case went to review), the hearing and its notice, instalments,
the 催告 and the application to the court (行政强制法 第五十三、五十四条), and the investigation's (先行登记保存,
协查). A date in a year whose holidays are not published yet is provisional (待定), never guessed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from types import SimpleNamespace

from django.db.models import Q

from yibao.deadlines.calendar import cn_date
from yibao.deadlines.periods import STATUTORY_PERIODS, StatutoryPeriod

from ..case_clock import add_months
from ..models import ArrangementKind, DecisionKind, PaymentArrangement, Remedy
from ..parameters import defaults
from ..procedure import STATE_LABELS, CaseState
from ..services.investigation import investigation_deadlines_until
from .registry import BoardQuery, Days, OpenDeadline, Picked, _case_number, _cases, _finish, latest
from .stored import CASE_FIELDS


def _period(key: str, bureau_id: int | None, start: dt.date, cache: dict) -> StatutoryPeriod:
    """The bureau's period in force on the start day (cases.services.parameters), once per bureau and day."""
    from ..services.parameters import period  # noqa: PLC0415 - the services import this module's callers

    if (key, bureau_id, start) not in cache:
        from yibao.org.models import Bureau  # noqa: PLC0415

        bureau = Bureau.objects.filter(pk=bureau_id).first() if bureau_id else None
        cache[key, bureau_id, start] = period(bureau, key, start)
    return cache[key, bureau_id, start]


def _computed(kind: str, label: str, basis: str, row: dict, due: dt.date, provisional: bool, why: str,
              days: Days) -> OpenDeadline:
    return OpenDeadline(kind, label, due, provisional or not days.published(due), basis,
                        _case_number(row["number"], row["pk"]), row["title"], row["bureau__name"],
                        STATE_LABELS[CaseState(row["state"])], row["pk"], row["bureau_id"], row["state"], why)
REVIEW_LABEL = "法制审核期限"
_REVIEW = defaults()["legal_review"]
REVIEW_BASIS = f"{_REVIEW.basis}；本局默认期限（{_REVIEW.source}）"

def _minimum_days(key: str) -> int:
    """The shortest value of a period any bureau has set (or the default): a query bound that misses none."""
    from ..models import BureauParameter  # noqa: PLC0415

    values = [int(v) for v in BureauParameter.objects.filter(key=key).values_list("value", flat=True)
              if str(v).isdigit()]
    return min([int(defaults()[key].value), *values])


def review_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """法制审核: the bureau's `legal_review` working days from the day the case went to review."""
    if q.state and q.state != CaseState.UNDER_REVIEW:
        return Picked([], 0)
    # Only the cases that went to review early enough for the shortest period of any bureau to end by then.
    bound = q.days.latest_start(_minimum_days("legal_review"), q.horizon)
    cases = _cases(bureau_ids, q).filter(state=CaseState.UNDER_REVIEW, review_passed=False, review_required=True,
                                         review_since__lte=bound)
    cache: dict = {}
    rows = []
    for r in cases.values(*CASE_FIELDS, "review_since"):
        start = r["review_since"]
        due, provisional, why = q.days.count(_period("legal_review", r["bureau_id"], start, cache), start)
        rows.append(_computed("review", REVIEW_LABEL, REVIEW_BASIS, r, due, provisional,
                              f"自移送法制审核之日（{cn_date(start)}）起算。{why}", q.days))
    return _finish(rows, q)


HEARING_NOTICE = STATUTORY_PERIODS["hearing_notice"]


def hearing_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """The hearing day set but the party not yet told: the notice's last day, 7 working days before
    (第六十四条第（二）项); told: the hearing day itself, when the host records the hearing."""
    if q.state and q.state != CaseState.HEARING:
        return Picked([], 0)
    cases = _cases(bureau_ids, q).filter(state=CaseState.HEARING, hearing_on__isnull=False, hearing_record="")
    rows = []
    for r in cases.filter(hearing_on__lte=q.horizon + dt.timedelta(days=60)).values(
            *CASE_FIELDS, "hearing_on", "hearing_noticed_on"):
        if r["hearing_noticed_on"] is None:
            due, provisional, why = q.days.count(HEARING_NOTICE, r["hearing_on"])
            why = f"听证定于{cn_date(r['hearing_on'])}，尚未通知当事人。{why}"
            rows.append(_computed("hearing_notice", "听证通知期限", HEARING_NOTICE.citation.label(), r, due,
                                  provisional, why, q.days))
        else:
            rows.append(_computed("hearing", "举行听证", HEARING_NOTICE.citation.label(), r, r["hearing_on"], False,
                                  f"已于{cn_date(r['hearing_noticed_on'])}通知当事人于{cn_date(r['hearing_on'])}"
                                  "举行听证；听证笔录和主持人意见由主持人记录。", q.days))
    return _finish(rows, replace(q, limit=None))


def _hearing_kind(kind: str) -> Callable[[list[int] | None, BoardQuery], Picked]:
    def pick(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        mine = [r for r in hearing_deadlines(bureau_ids, q).rows if r.kind == kind]
        return Picked(mine if q.limit is None else mine[:q.limit], len(mine))

    return pick


def _unpaid(prefix: str = "") -> Q:
    amounts = Q()
    for field in ("decided_fine", "decided_refund", "decided_confiscation"):  # Case.to_execute
        amounts |= Q(**{f"{prefix}{field}__gt": 0})
    return amounts & Q(**{f"{prefix}{k}": v for k, v in {
        "state__in": [CaseState.SERVED, CaseState.ENFORCING], "executed": False, "decision_kind": DecisionKind.PENALTY,
        "decision_set_aside": False}.items()})


def instalment_deadlines(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
    """The next unpaid instalment of an approved plan (第六十六条第二款): the earliest not covered by the payments
    recorded (services.payments), past or to come; paid ones vanish. A missed one shows its surcharge (第七十二条)."""
    from ..services.payments import first_unpaid, instalments  # noqa: PLC0415 - services import this module's callers

    if q.state and q.state not in (CaseState.SERVED, CaseState.ENFORCING):
        return Picked([], 0)
    # Read from the plans (few), not from the cases.
    plans = PaymentArrangement.objects.filter(_unpaid("case__"), kind=ArrangementKind.INSTALMENTS)
    if q.case_id is not None:
        plans = plans.filter(case_id=q.case_id)
    if bureau_ids is not None:
        plans = plans.filter(case__bureau_id__in=bureau_ids)
    if q.state:
        plans = plans.filter(case__state=q.state)
    rows = []
    for plan in plans.select_related("case", "case__bureau"):
        c = plan.case
        plan_rows = instalments(c, q.today)
        following = first_unpaid(plan_rows)
        if following is None or following.due > q.horizon:
            continue
        row = {"pk": c.pk, "number": c.number, "title": c.title, "state": c.state, "bureau_id": c.bureau_id,
               "bureau__name": c.bureau.name}
        settled = following.number - 1
        why = (f"负责人于{cn_date(plan.approved_on)}批准分期缴纳，共{len(plan_rows)}期"
               f"{f'，已缴清前{settled}期' if settled else ''}；第{following.number}期应于{cn_date(following.due)}前"
               f"缴纳，尚欠{following.unpaid}元，最后一期{cn_date(plan.until)}。")
        if following.overdue:
            why += f"逾期加处罚款{following.surcharge.amount}元：{following.surcharge.explanation}"
        rows.append(_computed("instalment", f"分期缴款期限（第{following.number}期）",
                              "《中华人民共和国行政处罚法》第六十六条第二款、第七十二条第一款第（一）项", row, following.due,
                              False, why, q.days))
    return _finish(rows, q)


def _law_value(key: str) -> int:
    # Fixed by law: a bureau cannot set its own (services.parameters refuses), so the default is the value.
    assert defaults()[key].fixed_by_law, key
    return int(defaults()[key].value)


def court_window_after(ends: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(remedy periods end, last day for the 催告, last day to apply to the court) once the party's periods end on
    `ends` (行政强制法 第五十三、五十四条)."""
    last = add_months(ends, _law_value("court_application_period"))
    return ends, last - dt.timedelta(days=_law_value("enforcement_reminder")), last


def court_window(served_on: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """The court window after service on `served_on` when no remedy was brought, as the execution guards count it
    (services.execution.remedy_periods_end)."""
    from ..services.execution import remedy_periods_end  # noqa: PLC0415 - services import this module's callers

    return court_window_after(remedy_periods_end(SimpleNamespace(served_on=served_on, bureau=None)))


COURT_BASIS = ("《中华人民共和国行政强制法》第五十三条；《中华人民共和国行政复议法》第二十条；"
               "《中华人民共和国行政诉讼法》第四十五条、第四十六条、第八十五条")
REMINDER_BASIS = "《中华人民共和国行政强制法》第五十四条、第五十三条"


def _after_remedies(bureau_ids: list[int] | None, q: BoardQuery) -> list[tuple[tuple[dt.date, dt.date, dt.date], dict, str]]:
    """Unpaid cases whose every 行政复议 or 行政诉讼 has its outcome: the window counts from the periods after the
    last outcome (services.execution.remedy_periods). Few cases, so counted one by one."""
    from ..services.execution import remedy_periods  # noqa: PLC0415 - services import this module's callers

    decided = Remedy.objects.exclude(outcome="").values("case_id")
    pending = Remedy.objects.filter(outcome="").values("case_id")
    cases = (_cases(bureau_ids, q).filter(_unpaid(), served_on__isnull=False, pk__in=decided)
             .exclude(pk__in=pending).filter(Q(reminder_served_on__isnull=True) | Q(court_applied_on__isnull=True))
             .select_related("bureau").prefetch_related("remedies"))
    out = []
    for c in cases:
        periods = remedy_periods(c)
        if periods is None:
            continue
        row = {"pk": c.pk, "number": c.number, "title": c.title, "state": c.state, "bureau_id": c.bureau_id,
               "bureau__name": c.bureau.name, "due_provisional": c.due_provisional, "served_on": c.served_on,
               "reminder_served_on": c.reminder_served_on, "court_applied_on": c.court_applied_on}
        out.append((court_window_after(periods.ends), row, f"{periods.why}至{cn_date(periods.ends)}届满，当事人未再起诉或上诉"))
    return out


def enforcement_deadlines(bureau_ids: list[int] | None, q: BoardQuery, *, kind: str) -> Picked:
    """催告 (`reminder`) and the court application (`court_enforcement`) of an unpaid fine: counted from service of
    the decision when no 行政复议 or 行政诉讼 was brought, from the periods after the last outcome when one was, and
    not at all while one is pending."""
    if q.state and q.state not in (CaseState.SERVED, CaseState.ENFORCING):
        return Picked([], 0)
    key = ("enforcement", None if bureau_ids is None else tuple(bureau_ids))
    if key not in q.memo:
        # The due date grows with the day of service, so a bound on it selects the rows due by the horizon; the
        # 催告 falls before the court application, so its bound covers both kinds, read once for the two.
        bound = latest(lambda s: court_window(s)[1], q.horizon)
        cases = _cases(bureau_ids, q).filter(_unpaid(), served_on__isnull=False, served_on__lte=bound).filter(
            Q(reminder_served_on__isnull=True) | Q(court_applied_on__isnull=True))
        remedied = list(Remedy.objects.order_by().values_list("case_id", flat=True).distinct())
        if remedied:
            cases = cases.exclude(pk__in=remedied)
        # Counted once a day of service, not once a case: thousands of unpaid fines share a few hundred days.
        windows: dict[dt.date, tuple[dt.date, dt.date, dt.date]] = {}
        served = [(windows.get(r["served_on"]) or windows.setdefault(r["served_on"], court_window(r["served_on"])),
                   r, "") for r in cases.values(*CASE_FIELDS, "served_on", "reminder_served_on", "court_applied_on")]
        q.memo[key] = served + (_after_remedies(bureau_ids, q) if remedied else [])
    done = "reminder_served_on" if kind == "reminder" else "court_applied_on"
    at = 1 if kind == "reminder" else 2
    due = sorted(((w[at], w, r, after) for w, r, after in q.memo[key] if r[done] is None and w[at] <= q.horizon),
                 key=lambda d: (d[0], d[2]["pk"]))
    rows = []
    for _, (ends, reminder, last), r, after in due if q.limit is None else due[:q.limit]:
        periods = after or (f"决定书于{cn_date(r['served_on'])}送达，申请行政复议（{_law_value('reconsideration_period')}日）"
                            f"和提起行政诉讼（{_law_value('litigation_period')}个月）的期限至{cn_date(ends)}届满，"
                            "当事人未申请、未起诉")
        window = f"{periods}；应自届满之日起{_law_value('court_application_period')}个月内即{cn_date(last)}前申请人民法院强制执行"
        if kind == "reminder":
            rows.append(_computed("reminder", "催告期限", REMINDER_BASIS, r, reminder, False,
                                  f"{window}，催告书须在申请前至少{_law_value('enforcement_reminder')}日送达，"
                                  f"即最迟{cn_date(reminder)}。", q.days))
        else:
            rows.append(_computed("court_enforcement", "申请法院强制执行期限", COURT_BASIS, r, last, False,
                                  f"{window}。", q.days))
    return Picked(rows, len(due))

def _investigation_source(kind: str) -> Callable[[list[int] | None, BoardQuery], Picked]:
    """先行登记保存 and 协查 replies, as the investigation services store them (services.investigation)."""

    def pick(bureau_ids: list[int] | None, q: BoardQuery) -> Picked:
        found = [d for d in investigation_deadlines_until(q.horizon, bureau_ids) if d.kind == kind]
        cases = {r["pk"]: r for r in _cases(bureau_ids, q).filter(pk__in={d.case_id for d in found})
                 .values(*CASE_FIELDS)}
        rows = [_computed(kind, d.label, d.basis, cases[d.case_id], d.due, d.provisional, d.explanation, q.days)
                for d in found if d.case_id in cases]
        return _finish(rows, q)

    return pick
