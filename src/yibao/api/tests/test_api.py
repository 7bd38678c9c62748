"""The API's wiring: its OpenAPI document, personal tokens (page, command line, audit) and the one error
shape for every refusal, including those Django makes before the API sees the request."""

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from yibao.api.models import ApiToken
from yibao.api.tokens import digest, do_create_api_token, do_revoke_api_token
from yibao.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SHAPE = {"code", "message", "basis"}


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def head(make_user, county):
    return make_user("head", "head", county)


def test_the_openapi_document_is_public_valid_and_lists_every_route():
    from openapi_spec_validator import validate

    from yibao.api.main import api
    from yibao.cases.api import CASE_ACTIONS

    answer = Client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    paths = document["paths"]
    expected = {"/api/v1/prescreen", "/api/v1/catalog/items", "/api/v1/catalog/items/{pk}", "/api/v1/leads",
                "/api/v1/leads/{lead_id}", "/api/v1/leads/{lead_id}/status", "/api/v1/leads/{lead_id}/verify",
                "/api/v1/leads/{lead_id}/extend-verification", "/api/v1/leads/{lead_id}/decide", "/api/v1/cases",
                "/api/v1/cases/{case_id}", *(f"/api/v1/cases/{{case_id}}/{a}" for a in CASE_ACTIONS)}
    # New actions add routes; these must stay, and every served route must be documented (below).
    assert expected <= set(paths)
    # Every route Ninja serves is in the document.
    served = {f"/api/v1{prefix}{path}".rstrip("/").replace("<int:", "{").replace(">", "}")
              for prefix, router in api._routers for path in router.path_operations}
    assert served <= set(paths)
    assert set(document["components"]["schemas"]["ErrorOut"]["properties"]) == SHAPE
    prescreen = paths["/api/v1/prescreen"]["post"]
    assert {"200", "400", "401", "503"} <= set(prescreen["responses"])
    line = document["components"]["schemas"]["PrescreenLine"]
    assert "pric" in line["required"] and "inscp_amt" not in line["required"]
    assert {"TokenAuth", "SessionAuth", "PrescreenApiKey"} <= set(document["components"]["securitySchemes"])


def test_a_token_authenticates_its_user_and_is_kept_only_as_a_digest(head):
    token, raw = do_create_api_token(head, "数据对接", actor=head)
    assert raw.startswith("yb_") and len(raw) > 40
    assert token.digest == digest(raw) and raw not in token.digest and token.prefix == raw[:10]
    answer = bearer(raw).get("/api/v1/cases")
    assert answer.status_code == 200 and answer.json()["count"] == 0
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(token.pk)).exists()


@pytest.mark.parametrize("header", [None, "Bearer yb_not-a-token", "Bearer ", "Token abc"])
def test_a_missing_or_wrong_token_is_401_in_the_shape(head, header):
    client = Client(HTTP_AUTHORIZATION=header) if header is not None else Client()
    answer = client.get("/api/v1/cases")
    assert answer.status_code == 401
    body = answer.json()
    assert set(body) == SHAPE and body["basis"] is None
    assert body["code"] in ("not_authenticated", "invalid_token") and body["message"]


def test_a_revoked_token_is_401_and_the_revocation_is_audited(head):
    token, raw = do_create_api_token(head, "临时", actor=head)
    assert bearer(raw).get("/api/v1/leads").status_code == 200
    do_revoke_api_token(token, actor=head)
    answer = bearer(raw).get("/api/v1/leads")
    assert answer.status_code == 401
    assert answer.json() == {"code": "invalid_token", "message": answer.json()["message"], "basis": None}
    assert "撤销" in answer.json()["message"]
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(token.pk)).exists()


def test_a_token_of_a_deactivated_user_is_refused(head):
    _, raw = do_create_api_token(head, "x", actor=head)
    head.is_active = False
    head.save()
    assert bearer(raw).get("/api/v1/cases").status_code == 401


def test_a_user_may_not_revoke_another_users_token(head, make_user, county):
    from yibao.api.tokens import TokenError

    token, _ = do_create_api_token(head, "x", actor=head)
    with pytest.raises(TokenError):
        do_revoke_api_token(token, actor=make_user("other", "officer", county))


def test_the_tokens_page_creates_shows_once_and_revokes(head):
    client = Client()
    client.force_login(head)
    created = client.post("/api-tokens/", {"name": "报表系统"})
    assert created.status_code == 200
    raw = created.content.decode().split('id="new-token">')[1].split("<")[0]
    assert bearer(raw).get("/api/v1/cases").status_code == 200
    listed = client.get("/api-tokens/").content.decode()
    assert "报表系统" in listed and raw not in listed
    token = ApiToken.objects.get(user=head)
    client.post(f"/api-tokens/{token.pk}/revoke")
    assert bearer(raw).get("/api/v1/cases").status_code == 401
    assert client.post("/api-tokens/", {"name": " "}).status_code == 400


def test_the_command_line_creates_lists_and_revokes_tokens(head):
    from yibao.cli import app

    runner = CliRunner()
    created = runner.invoke(app, ["api-token", "create", "--user", "head", "--name", "对接"])
    assert created.exit_code == 0, created.output
    raw = created.stdout.strip().splitlines()[-1]
    assert bearer(raw).get("/api/v1/cases").status_code == 200
    listed = json.loads(runner.invoke(app, ["api-token", "list", "--user", "head", "--json"]).stdout)
    assert [t["name"] for t in listed] == ["对接"] and raw not in json.dumps(listed)
    assert runner.invoke(app, ["api-token", "revoke", str(listed[0]["id"])]).exit_code == 0
    assert bearer(raw).get("/api/v1/cases").status_code == 401
    assert runner.invoke(app, ["api-token", "create", "--user", "nobody"]).exit_code == 1


def test_a_session_post_without_the_csrf_token_is_refused_in_the_shape(head):
    client = Client(enforce_csrf_checks=True)
    client.force_login(head)
    assert client.get("/api/v1/cases").status_code == 200
    refused = client.post("/api/v1/leads", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"


def test_unknown_paths_wrong_methods_and_server_errors_answer_in_the_shape(head, monkeypatch):
    _, raw = do_create_api_token(head, "x", actor=head)
    client = bearer(raw)
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json() == {"code": "not_found", "message": "请求的资源不存在",
                                                             "basis": None}
    assert client.get("/api/v1/cases/999").json()["code"] == "not_found"
    wrong_method = client.get("/api/v1/cases/1/approve_filing")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "method_not_allowed"
    assert "POST" in wrong_method["Allow"]

    import yibao.cases.api as cases_api

    def broken(user):
        raise RuntimeError("boom")

    monkeypatch.setattr(cases_api.s, "visible_cases", broken)
    failed = client.get("/api/v1/cases")
    assert failed.status_code == 500 and failed.json()["code"] == "server_error" and set(failed.json()) == SHAPE


def test_an_anonymous_caller_of_any_api_path_gets_the_401_shape():
    for path in ("/api/v1/cases", "/api/v1/leads/1", "/api/v1/catalog/items", "/api/v1/nothing"):
        answer = Client().get(path)
        assert answer.status_code == 401 and answer.json()["code"] == "not_authenticated", path
    assert Client().get("/cases/").status_code == 302  # pages still redirect to the login


def test_a_bad_query_parameter_names_the_field(head):
    _, raw = do_create_api_token(head, "x", actor=head)
    answer = bearer(raw).get("/api/v1/cases", {"limit": "many"})
    assert answer.status_code == 400
    assert answer.json() == {"code": "invalid_input", "message": "请求数据有误：limit：应为整数", "basis": None}


def test_a_body_that_is_not_json_or_nested_too_deep_is_a_400_not_a_server_error(head):
    _, raw = do_create_api_token(head, "x", actor=head)
    client = bearer(raw)
    for body in ("{not json", "[" * 100_000):
        answer = client.post("/api/v1/leads", body, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["code"] == "invalid_json", body[:10]


def test_the_prescreen_refuses_deeply_nested_json_with_a_400():
    from yibao.monitoring.prescreen.api import answer

    status, body = answer("410324", b"[" * 100_000)
    assert status == 400 and body == {"code": "invalid_json", "message": "请求体不是有效的 JSON：嵌套过深",
                                      "basis": None}


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_scripts_from_this_server_not_a_cdn(client, django_user_model):
    user = django_user_model.objects.create_user("docs-reader", password="x-Passw0rd-2026")
    client.force_login(user)
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
