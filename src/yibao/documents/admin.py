from django.contrib import admin

from .models import CaseFileBuild, Document, DocumentSettings, DocumentTemplate


@admin.register(DocumentSettings)
class DocumentSettingsAdmin(admin.ModelAdmin):
    list_display = ["bureau", "full_name", "abbreviation", "signer_name", "updated_at"]


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    """Read-only: a template is uploaded (checked) and taken back on 文书设置 → 文书模板, both audited."""

    list_display = ["bureau", "kind", "uploaded_at", "uploaded_by", "sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read-only: documents are made by the services; an issued one cannot change anyway."""

    list_display = ["label", "number", "case", "status", "render_status", "issued_on"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "verification_code", "case__number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseFileBuild)
class CaseFileBuildAdmin(admin.ModelAdmin):
    """Read-only: case files are built by their job, asked for on the case page or the API."""

    list_display = ["case", "format", "status", "size", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "sha256"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
