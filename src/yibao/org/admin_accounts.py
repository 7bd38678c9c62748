"""The security administrator's pages in the Django admin: accounts, their role, bureau and posts, password
and second-factor resets and lockouts (三权分立). Every check is `accounts.check_account_admin`, so an
account's own holder and superusers are refused here as in the services, whatever the form posts."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied

from . import accounts
from .admin import AuditedAdmin
from .models import Officer, RecoveryCodeDevice, UserProfile

User = get_user_model()


def _may_change(request, user) -> bool:
    try:
        accounts.check_account_admin(request.user, user)
    except PermissionDenied:
        return False
    return True


def _acts_as_system(request) -> bool:
    # The system account may do anything; it signs in nowhere, but tests and a shell may act as it.
    return request.user.is_active and request.user.is_superuser


class ProfileInline(admin.StackedInline):
    model = UserProfile
    fields = ["role", "bureau"]
    can_delete = False
    max_num = 1
    verbose_name = verbose_name_plural = "角色与单位"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _may_change(request, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or _may_change(request, obj))


class OfficerPostsInline(admin.StackedInline):
    """The posts of the officer an account belongs to: who holds which post is the security administrator's;
    the officer's record (name, certificate) is the system administrator's."""

    model = Officer
    fields = ["posts"]
    filter_horizontal = ["posts"]
    can_delete = False
    max_num = 0
    verbose_name = verbose_name_plural = "岗位"

    def _account_perm(self, request, obj) -> bool:
        return request.user.has_perm("auth.change_user") and (obj is None or _may_change(request, obj))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("auth.view_user")

    def has_change_permission(self, request, obj=None):
        return self._account_perm(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class AccountAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "first_name", "role", "bureau", "is_active", "last_login"]
    list_filter = ["is_active", "profile__role", "profile__bureau"]
    list_select_related = ["profile__bureau"]
    # No superuser, staff, group or permission fields: the role decides what an account may do.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []
    inlines = [ProfileInline, OfficerPostsInline]
    actions = ["reset_second_factor", "unlock"]

    @admin.display(description="角色")
    def role(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description="单位")
    def bureau(self, obj):
        profile = getattr(obj, "profile", None)
        return profile.bureau if profile else "—"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        # Disable, never delete: the audit trail names the account.
        return _acts_as_system(request) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        accounts.check_account_admin(request.user, obj if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        accounts.sync_staff(form.instance)

    @admin.action(description="重置动态口令（用户下次登录时重新设置）", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        self._each(request, queryset, lambda user: accounts.do_reset_second_factor(user, actor=request.user),
                   "已重置 {n} 个账号的动态口令。")

    @admin.action(description="解除登录锁定", permissions=["change"])
    def unlock(self, request, queryset):
        self._each(request, queryset, lambda user: accounts.do_unlock(user.username, actor=request.user),
                   "已解除 {n} 个账号的登录锁定。")

    def _each(self, request, queryset, act, done: str) -> None:
        n = 0
        for user in queryset:
            try:
                act(user)
                n += 1
            except PermissionDenied as exc:
                self.message_user(request, f"{user.username}：{exc}", messages.ERROR)
        self.message_user(request, done.format(n=n), messages.SUCCESS)


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(AuditedAdmin):
    """Which accounts have recovery codes and how many are left; the codes themselves exist only as hashes."""

    list_display = ["user", "name", "left"]
    search_fields = ["user__username"]
    fields = ["user", "name"]
    readonly_fields = ["user", "name"]

    @admin.display(description="剩余")
    def left(self, obj):
        return obj.codes.count()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _may_change(request, obj.user))
