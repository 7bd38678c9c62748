"""Django admin for the working-day calendar: a year's arrangement with its days inline.

An administrator enters a new year from the State Council notice (国务院办公厅关于某年部分节假日安排的
通知) or corrects one; each change is written to the audit trail and the year becomes the
administrator's (the package seed never overwrites it).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from yibao.core.audit import record_event
from yibao.deadlines.constants import CalendarSource, DayKind
from yibao.deadlines.models import CalendarDay, CalendarYear
from yibao.deadlines.services import clear_calendar_cache, do_record_admin_edit, do_recount_deadlines


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "kind", "name")
    extra = 3
    verbose_name = "节假日或调休上班日"
    verbose_name_plural = "放假日期与调休上班日期（其余日期按周一至周五上班、周六周日休息）"


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ("year", "notice", "published_on")

    def clean_notice(self) -> str:
        notice = (self.cleaned_data.get("notice") or "").strip()
        if not notice:
            raise forms.ValidationError("请填写国务院办公厅通知的文号，例如：国办发明电〔2025〕7号")
        return notice


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    inlines = [CalendarDayInline]
    list_display = ("year", "source", "notice", "published_on", "holiday_count", "makeup_count", "revision",
                    "updated_at")
    list_filter = ("source",)
    readonly_fields = ("source", "source_version", "revision", "created_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("year", "notice", "published_on")}),
        ("来源", {"fields": ("source", "source_version", "revision", "created_by", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            holidays_n=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            makeup_n=Count("days", filter=Q(days__kind=DayKind.MAKEUP_WORKDAY)),
        )

    @admin.display(description="放假天数", ordering="holidays_n")
    def holiday_count(self, obj) -> int:
        return obj.holidays_n

    @admin.display(description="调休上班天数", ordering="makeup_n")
    def makeup_count(self, obj) -> int:
        return obj.makeup_n

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = CalendarSource.ADMIN
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        fields = list(form.changed_data)
        for formset in formsets:
            if formset.has_changed():
                fields.append("days")
        if not change:
            record_event(
                "calendar.publish", actor=request.user, obj=obj,
                summary=f"后台录入{obj.year}年节假日安排（{obj.notice}）",
                data={"year": obj.year, "notice": obj.notice, "days": obj.days.count(), "via": "admin"},
            )
            clear_calendar_cache()
            do_recount_deadlines(actor=request.user, reason=f"后台录入{obj.year}年节假日安排（{obj.notice}）")
        elif fields:
            do_record_admin_edit(obj, actor=request.user, fields=fields)

    def delete_model(self, request, obj):
        record_event(
            "calendar.delete", actor=request.user, obj=obj, summary=f"后台删除{obj.year}年节假日安排",
            data={"year": obj.year, "source": obj.source, "via": "admin"},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
