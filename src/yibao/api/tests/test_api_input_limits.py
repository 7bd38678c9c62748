"""Size and depth of JSON bodies: the API refuses too large or too deeply nested input in the error shape,
never with a server error."""

import json

import pytest
from django.test import Client

from yibao.api.limits import nesting_depth_exceeds
from yibao.api.tokens import do_create_api_token

SHAPE = {"code", "message", "basis"}


@pytest.fixture
def client_of(make_user, county):
    user = make_user("head", "head", county)
    _, raw = do_create_api_token(user, "测试", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_a_body_larger_than_the_upload_limit_is_a_413_in_the_shape_not_a_server_error(client_of, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"source": "complaint", "summary": "x" * 20_000})
    answer = client_of.post("/api/v1/leads", body, content_type="application/json")
    assert answer.status_code == 413
    assert set(answer.json()) == SHAPE and answer.json()["code"] == "body_too_large"
    assert "10000" in answer.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[" * 200 + "]" * 200, '{"a":' * 200 + "1" + "}" * 200])
def test_a_body_nested_deeper_than_the_limit_is_refused_before_any_schema_reads_it(client_of, settings, body):
    settings.YIBAO_API_MAX_JSON_DEPTH = 32
    answer = client_of.post("/api/v1/leads", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"code": "invalid_json", "message": "请求体的 JSON 嵌套超过 32 层", "basis": None}


@pytest.mark.django_db
def test_a_shallow_body_still_reaches_the_schema(client_of):
    answer = client_of.post("/api/v1/leads", json.dumps({"extra": [[1]]}), content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_input"


def test_nesting_depth_counts_arrays_and_objects_but_not_scalars():
    assert not nesting_depth_exceeds({"a": [1, 2, {"b": "c"}]}, 3)
    assert nesting_depth_exceeds({"a": [1, 2, {"b": []}]}, 3)
    assert not nesting_depth_exceeds("[[[[", 1)  # a string is not nesting
    deep: list = []
    node = deep
    for _ in range(100_000):  # deeper than Python's recursion would allow
        node.append([])
        node = node[0]
    assert nesting_depth_exceeds(deep, 32)


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the refused statement must not abort the test's transaction
def test_an_id_too_large_for_any_column_is_a_400_not_a_server_error(client_of):
    """Found by the fuzz test: officer_ids [-494871271613157408768] made POST /cases/summary a 500."""
    body = json.dumps({"officer_ids": [10**21], "party": {"party_type": "institution", "name": "某医院"}})
    answer = client_of.post("/api/v1/cases/summary", body, content_type="application/json")
    assert answer.status_code in (400, 403, 422), answer.content
    answer = client_of.post("/api/v1/cases", json.dumps({"lead_id": 10**21}), content_type="application/json")
    assert answer.status_code < 500 and set(answer.json()) == SHAPE
