"""Leads and cases on the JSON API (/api/v1/leads, /api/v1/cases), routers of yibao/api/main.py.

Every read is scoped as the pages are (`visible_cases`, `restrict`); every write calls the service the
page calls, with the authenticated user as the actor and, on a case, the version the caller saw
(`expected_version`), so two callers never overwrite each other. A case or lead outside the caller's
view is 404, as on the pages. Refusals of the services come back as `{"code", "message", "basis"}`.

leads.py and cases.py hold the routes, schemas.py the case schemas, actions.py the endpoint of every
action of the action table (services/registry.py), added to the cases router after its own routes.
"""

from .. import services as s
from ..services.registry import CASE_ACTIONS
from . import actions as _actions  # noqa: F401 - registers the action endpoints on case_router
from .cases import case_json, case_router
from .leads import lead_json, lead_router

__all__ = ["CASE_ACTIONS", "case_json", "case_router", "lead_json", "lead_router", "s"]
