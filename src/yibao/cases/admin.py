from django.contrib import admin

from yibao.monitoring.admin import ReadOnlyAdmin

from .models import Case, CaseOfficer, CaseStep, Lead, LeadFinding, Party


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0


class CaseOfficerInline(admin.TabularInline):
    model = CaseOfficer
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "bureau", "state", "filed_on", "due_on")
    list_filter = ("state", "procedure", "bureau")
    search_fields = ("number", "title", "parties__name")
    inlines = [PartyInline, CaseOfficerInline]
    # State moves only through the services: the admin reads, it does not walk the procedure.
    readonly_fields = ("state", "state_before_suspension", "version")


@admin.register(CaseStep)
class CaseStepAdmin(admin.ModelAdmin):
    list_display = ("case", "label", "from_state", "to_state", "actor", "at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Leads change only through services/leads.py, which check roles and write the audit trail.
class LeadFindingInline(admin.TabularInline):
    model = LeadFinding
    extra = 0
    can_delete = False
    readonly_fields = ("finding",)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ("number", "bureau", "source", "party_type", "party_code", "suspected_loss", "fine_min", "fine_max",
                    "status", "received_date")
    list_filter = ("status", "source", "bureau")
    search_fields = ("number", "party_code")
    exclude = ("party_name",)
    inlines = [LeadFindingInline]
