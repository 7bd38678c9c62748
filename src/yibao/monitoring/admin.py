"""Django admin for monitoring: read-only. Runs and reviews change only through the services,
which check roles and write the audit trail; personal data is shown masked here."""

from django.contrib import admin

from yibao.org.masking import mask_id_number, mask_name

from .models import (
    Finding,
    FindingEvent,
    FindingSighting,
    Institution,
    InsuredPerson,
    ScreeningRun,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyAdmin):
    list_display = ("id", "bureau", "started_at", "status", "engine", "finding_count", "new_count", "total_amount")
    list_filter = ("status", "engine", "bureau")


class FindingEventInline(admin.TabularInline):
    model = FindingEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "transition", "from_status", "to_status", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ("id", "bureau", "rule_id", "rule_name", "fixmedins_code", "psn_no", "setl_id", "feedetl_sn",
                    "amount", "status", "times_seen")
    list_filter = ("status", "rule_id", "severity", "bureau")
    search_fields = ("fixmedins_code", "psn_no", "setl_id", "feedetl_sn")
    exclude = ("appeal_text",)
    inlines = [FindingEventInline]


@admin.register(FindingSighting)
class FindingSightingAdmin(ReadOnlyAdmin):
    list_display = ("id", "run", "finding", "amount")
    list_filter = ("run",)


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "type", "rank", "bureau")
    list_filter = ("bureau", "rank", "type")
    search_fields = ("code", "name")


@admin.register(InsuredPerson)
class InsuredPersonAdmin(ReadOnlyAdmin):
    list_display = ("psn_no", "masked_name", "masked_certno", "gender", "birth_date")
    search_fields = ("psn_no",)
    exclude = ("name", "certno")
    readonly_fields = ("masked_name", "masked_certno")

    @admin.display(description="姓名")
    def masked_name(self, obj: InsuredPerson) -> str:
        return mask_name(obj.name) or ""

    @admin.display(description="身份证号")
    def masked_certno(self, obj: InsuredPerson) -> str:
        return mask_id_number(obj.certno) or ""
