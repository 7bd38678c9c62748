"""期限计算: the deadline calculator's page; HTMX asks for the result alone."""

from django.http import HttpRequest, HttpResponse

from yibao.core.htmx import render_page
from yibao.deadlines.calendar import CalendarMissing
from yibao.deadlines.forms import WORKDAYS, DeadlineForm
from yibao.deadlines.periods import (
    compute_deadline,
    compute_statutory_deadline,
    counted_makeup_workdays,
    uncounted_days,
)
from yibao.deadlines.services import load_calendar


def calculator(request: HttpRequest) -> HttpResponse:
    """Enter a start date and a period; read the due date and why it is that date."""
    form = DeadlineForm(request.GET if "start" in request.GET else None)
    context: dict = {"form": form}
    if form.is_bound and form.is_valid():
        calendar = load_calendar()
        period = form.statutory_period
        start = form.cleaned_data["start"]
        try:
            if period is not None:
                deadline = compute_statutory_deadline(period, start, calendar=calendar)
            else:
                deadline = compute_deadline(start, form.cleaned_data["days"],
                                            workdays=form.cleaned_data["unit"] == WORKDAYS, calendar=calendar)
            context.update(
                deadline=deadline,
                period=period,
                due_text=calendar.describe(deadline.due),
                start_text=calendar.describe(start) if calendar.has_year(start.year) else None,
                uncounted=uncounted_days(deadline, calendar),
                makeup=[calendar.describe(d) for d in counted_makeup_workdays(deadline, calendar)],
            )
        except CalendarMissing as e:
            context["refusal"] = str(e)
            context["known_years"] = calendar.years
    return render_page(request, "deadlines/calculator.html", "deadlines/_result.html", context)
