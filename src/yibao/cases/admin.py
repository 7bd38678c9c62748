from django.contrib import admin

from .models import Case, CaseOfficer, CaseStep, Party


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
