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


def navigation(request):
    from yibao.core.auditlog.access import is_audit_admin

    return {"nav_items": AUDIT_NAV_ITEMS if is_audit_admin(getattr(request, "user", None)) else NAV_ITEMS}
