"""Every page and API route that takes an object's id answers a user of another bureau (same role) exactly as
it answers for an id that does not exist: the object of bureau A is not there for bureau B (issue 11,
访问控制: case, finding, lead and personal data scoped to the user's bureau and those below, tested per
endpoint). A new route with an id and no entry here fails `test_every_route_with_an_id_is_scoped_or_public`.

The world is the demo (`prepare_demo`): bureau A is 栾川县医疗保障局 (its cases, leads, screening, seals and
documents), the users of bureau B are 红寺堡区's (another province): its head, officer, legal reviewer, analyst and
auditor. The same answer as for a missing id means no status, message or timing of a state check
tells B that A's object exists (a 403 is accepted too, as some pages refuse that way)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from yibao.core.demo import DEMO_USERS_BUREAU
from yibao.core.testing import prepared_demo

# Routes with an id that every signed-in user may read, or that are not scoped by bureau, with the reason.
PUBLIC = {
    "catalog/items/<int:pk>/": "权责清单 is published: readable by every signed-in user (issue 11)",
    "catalog/lists/<int:pk>/": "权责清单 is published: readable by every signed-in user (issue 11)",
    "api/v1/catalog/items/<pk>": "权责清单 is published: readable by every signed-in user (issue 11)",
    "law/<int:pk>/": "the law library is readable by every signed-in user (issue 11)",
    "law/articles/<int:pk>/": "the law library is readable by every signed-in user (issue 11)",
    "law/provisions/<slug:provision_id>/": "the law library is readable by every signed-in user (issue 11)",
    "org/bureau/<int:pk>/": "the organisation chart: sections, posts and officers masked (org/masking.py); "
                            "the full personal data is the reveal below, which is scoped",
    "org/officer/<int:pk>/": "an officer's page shows masked personal data only; the reveal is scoped",
    "monitoring/leads/<int:pk>/": "a permanent redirect to cases/leads/<pk>/ (tested here), reads nothing",
}

DOCUMENT_KIND = "penalty_decision"
# The other path values a route needs; they are the same for A's object and for the missing one.
WORDS = {"action": "approve", "kind": DOCUMENT_KIND, "act": "finish", "fmt": "pdf"}
MISSING = 987654321


def _routes():
    """(route, Django name) for every route of the site, the Ninja API's included; the admin's apart."""
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                out.append(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    # The admin site is by role (org/tests/test_separation.py), not by bureau.
    return sorted({r for r in out if not r.startswith("admin/")})


PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _object_kind(route: str, name: str) -> str:
    """What an id in the route names, from its parameter and, for a bare pk, the route's start."""
    if name != "pk":
        return {"case_id": "case", "lead_id": "lead", "seal_id": "seal", "evidence_id": "evidence",
                "attachment_id": "attachment", "preservation_id": "preservation", "request_id": "assistance",
                "build_id": "build", "build": "build", "document_id": "document", "doc": "document",
                "record": "record", "bureau": "bureau"}[name]
    for start, kind in (("org/officer/", "officer"), ("api-tokens/", "token"), ("monitoring/runs/", "run"),
                        ("monitoring/findings/", "finding"), ("cases/evidence/files/", "attachment"),
                        ("cases/leads/", "lead"), ("cases/", "case"), ("documents/cases/", "case"),
                        ("seals/", "seal")):
        if route.startswith(start):
            return kind
    raise KeyError(route)


def _ids_in(route: str) -> list[str]:
    return [name for conv, name in PARAM.findall(route) if name not in WORDS and conv != "slug"]


def _url(route: str, objects: dict[str, int] | None) -> str:
    def value(match: re.Match) -> str:
        name = match.group(2)
        if name == "kind" and "/records/" in route:
            return "inquiry_record"
        if name in WORDS:
            return WORDS[name]
        return str(objects[_object_kind(route, name)] if objects else MISSING)

    return "/" + PARAM.sub(value, route)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with prepared_demo(django_db_blocker, tmp_path_factory):
        yield _objects_of(DEMO_USERS_BUREAU)


def _objects_of(bureau_name: str) -> dict[str, int]:
    """One object of each kind in the bureau, made where the demo has none."""
    from yibao.api.models import ApiToken
    from yibao.cases.models import Case, Lead
    from yibao.coercion.models import Seal
    from yibao.documents.models import Document
    from yibao.monitoring.models import Finding, ScreeningRun
    from yibao.org.models import Bureau, Officer

    bureau = Bureau.objects.get(name=bureau_name)
    found = {
        "bureau": bureau,
        "case": Case.objects.filter(bureau=bureau).order_by("id").first(),
        "lead": Lead.objects.filter(bureau=bureau).first(),
        "seal": Seal.objects.filter(bureau=bureau).first(),
        "document": Document.objects.filter(bureau=bureau).first(),
        "run": ScreeningRun.objects.filter(bureau=bureau).first(),
        "finding": Finding.objects.filter(bureau=bureau).first(),
        "officer": Officer.objects.filter(bureau=bureau).first(),
        "token": ApiToken.objects.filter(user__profile__bureau=bureau).first(),
    }
    found.update(_case_parts(found["case"]))
    if found["token"] is None:
        from django.contrib.auth import get_user_model

        from yibao.api.tokens import do_create_api_token

        head = get_user_model().objects.get(username="head")
        found["token"] = do_create_api_token(head, "scope test", actor=head)[0]
    if found["build"] is None:
        from yibao.documents.models import CaseFileBuild

        found["build"] = CaseFileBuild.objects.create(case=found["case"], fingerprint="0" * 64)
    missing = sorted(kind for kind, obj in found.items() if obj is None)
    assert not missing, f"the demo has no {missing} in {bureau_name}: make one in _objects_of"
    return {kind: obj.pk for kind, obj in found.items()}


def _case_parts(case) -> dict:
    from yibao.cases.models.investigation import (
        AssistanceRequest,
        Attachment,
        Evidence,
        InquiryRecord,
        Preservation,
    )
    from yibao.documents.models import CaseFileBuild

    return {
        "evidence": Evidence.objects.filter(case__bureau=case.bureau).first(),
        "attachment": Attachment.objects.filter(evidence__case__bureau=case.bureau).first(),
        "record": InquiryRecord.objects.filter(case__bureau=case.bureau).first(),
        "preservation": Preservation.objects.filter(case__bureau=case.bureau).first(),
        "assistance": AssistanceRequest.objects.filter(case__bureau=case.bureau).first(),
        "build": CaseFileBuild.objects.filter(case__bureau=case.bureau).first(),
    }


def test_every_route_with_an_id_is_scoped_or_public():
    unknown = []
    for route in _routes():
        if route in PUBLIC or not PARAM.search(route):
            continue
        try:
            [_object_kind(route, name) for name in _ids_in(route)]
        except KeyError:
            unknown.append(route)
    assert unknown == [], "routes with an id this test does not know: add them to _object_kind or PUBLIC"


def _answers(client, url: str) -> list[tuple[str, int, str]]:
    out = []
    for method in ("get", "post"):
        response = getattr(client, method)(url, **({"content_type": "application/json", "data": {}}
                                                   if url.startswith("/api/") and method == "post" else {}))
        code = ""
        if response.get("Content-Type", "").startswith("application/json"):
            body = response.json()
            code = body.get("code", "") if isinstance(body, dict) else ""
        out.append((method, response.status_code, code))
    return out


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["hongsibu.head", "hongsibu.officer1", "hongsibu.reviewer",
                                      "hongsibu.analyst", "hongsibu.auditor"])
def test_a_user_of_another_bureau_gets_for_each_object_what_a_missing_id_gets(demo, client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    leaks, checked = [], 0
    for route in _routes():
        if route in PUBLIC or not _ids_in(route):
            continue
        checked += 1
        theirs, missing = _url(route, demo), _url(route, None)
        got, expected = _answers(client, theirs), _answers(client, missing)
        for (method, status, code), (_, want_status, want_code) in zip(got, expected, strict=True):
            # 404, or 403 as some pages answer; else exactly what a missing id gets (a body refused before
            # any lookup), never a success.
            if status not in (403, 404) and ((status, code) != (want_status, want_code) or status < 400):
                leaks.append(f"{method.upper()} {theirs} → {status} {code} (missing id: {want_status} {want_code})")
    assert leaks == []
    assert checked >= 80  # every page and API route with an id (the whole API's cases, leads, seals …)
