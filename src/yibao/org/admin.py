"""Django admin for the organisation. Every save and delete is written to the audit trail."""

from django.contrib import admin

from yibao.core.audit import record_event

from .masking import mask_id_number, mask_name
from .models import Bureau, Department, Officer, Post, UserProfile
from .services import PERSONAL_FIELDS


class AuditedAdmin(admin.ModelAdmin):
    """Record admin changes as audit events, in the admin's own transaction."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _record_save(request, obj, form.changed_data, change)

    def delete_model(self, request, obj):
        _record_delete(request, obj)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            _record_delete(request, obj)
            obj.delete()
        changed = {id(obj): fields for obj, fields in formset.changed_objects}
        for obj in instances:
            created = obj.pk is None
            obj.save()
            _record_save(request, obj, changed.get(id(obj), []), not created)
        formset.save_m2m()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _record_save(request, obj, fields, change: bool) -> None:
    # Field names only: values may be personal data, and the trail can never be erased.
    record_event(
        f"{obj._meta.model_name}.{'change' if change else 'create'}",
        actor=request.user,
        obj=obj,
        summary=f"后台{'修改' if change else '新建'}{obj._meta.verbose_name} {obj}",
        data={"fields": sorted(fields), "via": "admin"},
    )


def _record_delete(request, obj) -> None:
    record_event(
        f"{obj._meta.model_name}.delete",
        actor=request.user,
        obj=obj,
        summary=f"后台删除{obj._meta.verbose_name} {obj}",
        data={"via": "admin"},
    )


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


class PostInline(admin.TabularInline):
    model = Post
    extra = 0


@admin.register(Bureau)
class BureauAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "bureau"]
    list_filter = ["bureau"]
    search_fields = ["name", "bureau__name"]
    inlines = [PostInline]


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ["name", "stage", "department"]
    list_filter = ["stage", "department__bureau"]
    search_fields = ["name", "department__name"]


@admin.register(Officer)
class OfficerAdmin(AuditedAdmin):
    list_display = ["masked_name", "masked_id_number", "bureau", "department", "certificate_number",
                    "certificate_expiry", "active"]
    list_filter = ["active", "bureau"]
    search_fields = ["certificate_number"]
    filter_horizontal = ["posts"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Who signs in as the officer and which posts they hold are the security administrator's (三权分立,
        # on the account's page); the officer's record is the system administrator's.
        return [] if request.user.is_superuser else ["user", "posts"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The change form shows the name, ID number and phone in full: a full view, recorded as the
        # officer page's reveal is (a POST's save is recorded by save_model).
        if request.method == "GET" and response.status_code == 200:
            officer = self.get_object(request, object_id)
            if officer is not None:
                record_event(
                    "pii.view", actor=request.user, obj=officer,
                    summary=f"{request.user.get_username()} 在后台查看执法人员 {mask_name(officer.name)} 的完整个人信息",
                    data={"viewer": request.user.get_username(), "fields": list(PERSONAL_FIELDS), "via": "admin"},
                )
        return response

    @admin.display(description="姓名")
    def masked_name(self, obj: Officer) -> str | None:
        return mask_name(obj.name)

    @admin.display(description="身份证号")
    def masked_id_number(self, obj: Officer) -> str | None:
        return mask_id_number(obj.id_number)


@admin.register(UserProfile)
class UserProfileAdmin(AuditedAdmin):
    list_display = ["user", "bureau", "role"]
    list_filter = ["role", "bureau"]
    search_fields = ["user__username"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _may_change(request, obj.user))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from .accounts import check_account_admin, sync_staff

        check_account_admin(request.user, obj.user)
        super().save_model(request, obj, form, change)
        sync_staff(obj.user)


def _may_change(request, user) -> bool:
    from .admin_accounts import _may_change as may

    return may(request, user)


# The accounts' pages (the security administrator's) replace Django's own user admin.
from . import admin_accounts  # noqa: E402, F401
