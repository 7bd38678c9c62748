"""Navigation shown on every page."""

NAV_ITEMS = [
    ("home", "首页"),
    ("catalog:item_list", "权责清单"),
    ("catalog:search", "检索"),
    ("law:law_list", "法规库"),
    ("law:calculator", "处罚裁量"),
    ("deadlines:calculator", "期限计算"),
    ("monitoring:run_list", "智能监控"),
    ("cases:case_list", "执法办案"),
    ("coercion:seal_list", "封存"),
    ("cases:supervision_board", "督办"),
    ("org:bureau_list", "组织机构"),
]


# The audit administrator's whole menu (三权分立: the trail and nothing else).
AUDIT_NAV_ITEMS = [("audit:event_list", "审计日志")]


# The security administrator's (三权分立: accounts, roles and passwords, in the admin's 用户 pages).
SECURITY_NAV_ITEMS = [("admin:auth_user_changelist", "账号管理")]


def navigation(request):
    from yibao.org.constants import Role
    from yibao.org.permissions import get_role

    role = get_role(getattr(request, "user", None))
    items = {Role.AUDIT_ADMIN: AUDIT_NAV_ITEMS, Role.SECURITY_ADMIN: SECURITY_NAV_ITEMS}.get(role, NAV_ITEMS)
    return {"nav_items": items}
