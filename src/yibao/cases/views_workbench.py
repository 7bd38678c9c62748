"""工作台: what waits for the signed-in person, nearest deadline first.

Officers: leads to verify (holders of 立案岗) and the cases they are on at a step their posts take;
legal reviewers: cases to review (not their own); heads: filings, proposals and decisions to approve,
and cases to close. What is waiting is read from the procedure table, not restated here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yibao.org.constants import Role, department_name
from yibao.org.models import Officer
from yibao.org.permissions import get_profile, visible_bureau_ids

from . import services as s
from .alerts import AlertLine, banner
from .deadlines import (
    CASE_COLUMNS,
    CASE_DEADLINES,
    CASE_FIELDS,
    LEAD_FIELDS,
    LEAD_VERIFICATION_WORKDAYS,
    Days,
    OpenDeadline,
    lead_deadline,
    open_leads,
    running_deadlines,
    urgency_order,
    with_pauses,
)
from .models import Case, CaseOfficer, ClosingReportStatus, DecisionKind, Lead
from .procedure import FUND_SUPERVISION, OFFICER, STATE_LABELS, STEPS, Action, CaseState, allowed_actions
from .services.actions import FOLDED_INTO_REVIEW
from .services.filing import FILING_POST
from .services.handling import RECORD_STEPS

# How many items each part of the 工作台 shows, the most urgent first.
SECTION_LIMIT = 50
SECTION_TITLES = {"leads": "待核查线索", "at_post": "本岗位待办案件", "reviews": "待法制审核",
                  "approvals": "待审批"}


@dataclass(frozen=True)
class WorkItem:
    """One thing waiting for the person: what to do, on which case or lead, and its nearest deadline."""

    section: str
    action: str
    subject: str
    title: str
    bureau: str
    state: str
    pk: int  # of the case, or of the lead in the part 待核查线索
    deadline: OpenDeadline | None
    days_left: int | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def late_days(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def url(self) -> str:
        return (Lead if self.section == "leads" else Case)(pk=self.pk).get_absolute_url()

    def sort_key(self) -> tuple:
        return (self.deadline is None, self.deadline.due if self.deadline else dt.date.max, self.subject)


@dataclass
class Workbench:
    sections: dict[str, list[WorkItem]]
    today: dt.date
    truncated: set[str]
    alerts: list[AlertLine] = field(default_factory=list)  # the banner: deadlines past or near (alerts.py)

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())

    def parts(self) -> list[tuple[str, str, list[WorkItem], bool]]:
        return [(key, SECTION_TITLES[key], items, key in self.truncated) for key, items in self.sections.items()]


def _case_item(section: str, action: str, row: dict, days: Days, today: dt.date) -> WorkItem:
    running = running_deadlines(row, days, today)
    deadline = running[0] if running else None
    if deadline is None and row["state"] == CaseState.PROPOSED and row["lead_id"]:
        # A proposed filing waits on the lead's verification period.
        deadline = lead_deadline({"pk": row["lead_id"], "bureau__name": row["bureau__name"],
                                  **{f: row[f"lead__{f}"] for f in LEAD_ITEM_FIELDS}}, days)
    subject = row["number"] or f"立案申请 {row['pk']}"
    return WorkItem(section, action, subject, row["title"], row["bureau__name"],
                    STATE_LABELS[CaseState(row["state"])], row["pk"], deadline)


# The columns an item reads (a case row has some sixty): its name, state, deadlines and their flags.
LEAD_ITEM_FIELDS = ("number", "party_name", "summary", "status", "received_date", "verification_due")
ITEM_FIELDS = (
    *CASE_FIELDS, "lead_id", *CASE_COLUMNS, *{flag for spec in CASE_DEADLINES for flag in spec.flags},
    *(f"lead__{f}" for f in LEAD_ITEM_FIELDS),
)


def _by_state(section: str, cases: QuerySet[Case], todo: dict[CaseState, list[tuple[str, Q]]], days: Days,
              truncated: set[str], today: dt.date) -> list[WorkItem]:
    items: list[WorkItem] = []
    for state, actions in todo.items():
        for action, ready in actions:
            picked = with_pauses(list(cases.filter(ready, state=state).order_by(*urgency_order(state))
                                      .values(*ITEM_FIELDS)[:SECTION_LIMIT + 1]))
            if len(picked) > SECTION_LIMIT:
                truncated.add(section)
            items += [_case_item(section, action, c, days, today) for c in picked[:SECTION_LIMIT]]
    return items


REVIEWED = Q(review_passed=True) | Q(review_required=False)
# The negation of Case.to_execute: no fine, no refund to the fund and no confiscation to pay.
NOTHING_TO_EXECUTE = (~Q(decision_kind=DecisionKind.PENALTY) | Q(decision_set_aside=True)
                      | ~(Q(decided_fine__gt=0) | Q(decided_refund__gt=0) | Q(decided_confiscation__gt=0)))
READY_TO_CLOSE = Q(executed=True) | Q(court_accepted_on__isnull=False) | NOTHING_TO_EXECUTE
# What the case must record before a step is worth doing: the guards' columns that a query can read, so
# a case is not listed for a step its guards would refuse today (the step itself still checks them all).
READY: dict[str, Q] = {
    Action.NOTIFY: Q(proposal_approved=True) & REVIEWED,
    Action.REQUEST_HEARING: Q(hearing_right=True, hearing_requested=False),
    "close_statements": Q(statements_closed=False),
    "record_payment": Q(executed=False),
    # 结案报告: once the case may be closed, until a draft waits for the head (a returned one is drafted again).
    Action.DRAFT_CLOSING_REPORT: READY_TO_CLOSE & ~Q(closing_report__status=ClosingReportStatus.DRAFTED),
}


def officer_todo(officer: Officer) -> dict[CaseState, list[tuple[str, Q]]]:
    """The steps the officer's posts take, by the state the case must be in, each with its readiness."""
    level = officer.bureau.level
    held = set(officer.posts.filter(department__bureau=officer.bureau).values_list("name", "department__name"))

    def holds(post: str | None, section: str | None) -> bool:
        return post is None or section is None or (post, department_name(section, level)) in held

    todo: dict[CaseState, list[tuple[str, Q]]] = {}
    for state in CaseState:
        steps = [(STEPS[a].label, READY.get(a, Q())) for a in allowed_actions(state, OFFICER)
                 if a not in FOLDED_INTO_REVIEW and holds(STEPS[a].post, STEPS[a].section)]
        steps += [(r.label, READY.get(r.action, Q())) for r in RECORD_STEPS.values()
                  if state in r.states and OFFICER in r.roles and holds(*(r.post or (None, None)))]
        if steps:
            todo[state] = steps
    return todo


def _officer(user: Any, days: Days, today: dt.date, truncated: set[str]) -> dict[str, list[WorkItem]]:
    officer = Officer.objects.filter(user=user, active=True).select_related("bureau").first()
    if officer is None:
        return {}
    out: dict[str, list[WorkItem]] = {}
    filing_section = department_name(FUND_SUPERVISION, officer.bureau.level)
    if officer.posts.filter(name=FILING_POST, department__name=filing_section,
                            department__bureau=officer.bureau).exists():
        leads = list(open_leads([officer.bureau_id]).order_by("received_date", "pk")
                     .values(*LEAD_FIELDS)[:SECTION_LIMIT + 1])
        if len(leads) > SECTION_LIMIT:
            truncated.add("leads")
        out["leads"] = [WorkItem("leads", "核查、决定是否立案", d.subject, d.title, d.bureau, d.state, d.pk, d)
                        for d in (lead_deadline(r, days) for r in leads[:SECTION_LIMIT])]
    # An officer is only ever on cases of their own bureau (services.officers refuses others): saying so lets
    # the database walk the bureau's (state, deadline) index and stop at the section's limit, where a join
    # from the officer's assignments read all of them (10,000 in the benchmark) before sorting.
    on_case = CaseOfficer.objects.filter(case=OuterRef("pk"), officer=officer, recused_on__isnull=True)
    mine = Case.objects.filter(Exists(on_case), bureau_id=officer.bureau_id)
    out["at_post"] = _by_state("at_post", mine, officer_todo(officer), days, truncated, today)
    return out


def _in_bureaus(user: Any) -> QuerySet[Case]:
    ids = visible_bureau_ids(user)
    return Case.objects.all() if ids is None else Case.objects.filter(bureau_id__in=ids)


def _reviewer(user: Any, days: Days, today: dt.date, truncated: set[str]) -> dict[str, list[WorkItem]]:
    cases = _in_bureaus(user).exclude(officers__officer__user=user)
    todo = {CaseState.UNDER_REVIEW: [("法制审核", Q(review_passed=False))],
            CaseState.HEARING: [("记录听证", Q(hearing_record="")), ("听证结束", ~Q(hearing_record=""))]}
    return {"reviews": _by_state("reviews", cases, todo, days, truncated, today)}


CLOSE_LABEL = "审批结案报告（结案）"


def _head(user: Any, days: Days, today: dt.date, truncated: set[str]) -> dict[str, list[WorkItem]]:
    todo = {
        CaseState.PROPOSED: [("批准立案", Q())],
        CaseState.UNDER_REVIEW: [
            ("批准拟处理意见", REVIEWED & Q(proposal_approved=False)),
            # No penalty proposed: decided without an advance notice once reviewed and approved.
            ("作出决定", REVIEWED & Q(proposal_approved=True) & ~Q(decision_kind=DecisionKind.PENALTY)),
        ],
        CaseState.NOTIFIED: [("作出决定", (Q(statements_closed=True) | Q(statement_window_ends__lt=today))
                                       & Q(hearing_requested=False))],
        # 结案 is the approval of the closing report 执行岗 drafted.
        CaseState.SERVED: [(CLOSE_LABEL, Q(closing_report__status=ClosingReportStatus.DRAFTED))],
        CaseState.ENFORCING: [(CLOSE_LABEL, Q(closing_report__status=ClosingReportStatus.DRAFTED))],
    }
    return {"approvals": _by_state("approvals", _in_bureaus(user), todo, days, truncated, today)}


def work_for(user: Any, today: dt.date | None = None) -> Workbench | None:
    """What waits for the user, by part, nearest deadline first; None for roles with no casework."""
    profile = get_profile(user)
    if profile is None or not user.is_active:
        return None
    today = today or s.today()
    days, truncated = Days(), set[str]()
    if profile.role == Role.OFFICER:
        sections = _officer(user, days, today, truncated)
    elif profile.role == Role.LEGAL_REVIEWER:
        sections = _reviewer(user, days, today, truncated)
    elif profile.role == Role.HEAD:
        sections = _head(user, days, today, truncated)
    else:
        return None
    alerts = banner(user, [i.deadline for items in sections.values() for i in items], today, days)
    for key, items in sections.items():
        ordered = sorted((replace(i, days_left=i.deadline.days_left(today) if i.deadline else None)
                          for i in items), key=WorkItem.sort_key)
        if len(ordered) > SECTION_LIMIT:
            truncated.add(key)
        sections[key] = ordered[:SECTION_LIMIT]
    return Workbench(sections, today, truncated, alerts)


def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/workbench.html", {"bench": work_for(request.user),
                                                    "lead_workdays": LEAD_VERIFICATION_WORKDAYS})
