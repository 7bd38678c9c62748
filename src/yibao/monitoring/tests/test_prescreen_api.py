"""POST /api/v1/prescreen: verdicts, findings as JSON, keys and sessions, history kept across requests,
workers and restarts, Chinese errors naming the field, and no database query per request."""

import json

import pytest
from django.test import Client
from django.urls import path

from yibao.monitoring.prescreen import service
from yibao.monitoring.prescreen.api import prescreen
from yibao.urls import urlpatterns as project_urlpatterns

from .test_runs import write_dataset

# The project urls plus the pre-screen's route (the project adds the same line).
urlpatterns = [path("api/v1/prescreen", prescreen, name="prescreen"), *project_urlpatterns]
pytestmark = [pytest.mark.urls(__name__)]

URL = "/api/v1/prescreen"
KEY = "test-key-0123456789abcdef"
CODE = "410324"


@pytest.fixture(autouse=True)
def prescreen_settings(settings, tmp_path, monkeypatch):
    for name in ("YIBAO_PRESCREEN_KEYS", "YIBAO_PRESCREEN_DATASET", "YIBAO_PRESCREEN_JOURNAL_DIR"):
        monkeypatch.delenv(name, raising=False)
    settings.YIBAO_PRESCREEN_KEYS = {KEY: CODE}
    settings.YIBAO_PRESCREEN_JOURNAL_DIR = str(tmp_path / "journal")
    service.reset()
    yield settings
    service.reset()


@pytest.fixture
def with_dataset(prescreen_settings, tmp_path):
    prescreen_settings.YIBAO_PRESCREEN_DATASET = str(write_dataset(tmp_path / "claims"))
    return prescreen_settings


def settlement(setl_id: str, psn_no: str, *, med_type: str = "11", begin: str = "2024-04-01 09:00:00",
               end: str | None = None, lines: list[tuple[str, str, str]] = ()) -> dict:
    """A request for a settlement at H001: lines are (feedetl_sn, item, amount)."""
    return {
        "settlement": {"setl_id": setl_id, "mdtrt_id": f"M{setl_id}", "psn_no": psn_no, "fixmedins_code": "H001",
                       "setl_time": end or begin, "medfee_sumamt": "500.00", "fund_pay_sumamt": 400,
                       "vali_flag": "1"},
        "visit": {"mdtrt_id": f"M{setl_id}", "psn_no": psn_no, "fixmedins_code": "H001", "med_type": med_type,
                  "begntime": begin, "endtime": end},
        "lines": [{"feedetl_sn": sn, "setl_id": setl_id, "psn_no": psn_no, "fixmedins_code": "H001",
                   "fee_ocur_time": begin, "med_list_codg": item, "list_type": "201", "cnt": "1", "pric": amount,
                   "det_item_fee_sumamt": amount, "inscp_amt": amount, "chrgitm_lv": "01"}
                  for sn, item, amount in lines],
    }


def post(client: Client, data, *, key: str | None = KEY, query: str = ""):
    headers = {"HTTP_X_API_KEY": key} if key is not None else {}
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(URL + query, body, content_type="application/json", **headers)


def test_a_violation_is_refused_with_its_findings_as_json(client, with_dataset):
    # X001 is a female-only item (kb_item); P0001 is a man (psn_info).
    response = post(client, settlement("S10", "P0001", lines=[("L10", "X001", "120.00")]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["verdict"] == "refuse"
    assert body["findings"] == [{
        "rule_id": "R01", "rule_name": "限定性别", "severity": "violation", "fixmedins_code": "H001",
        "psn_no": "P0001", "setl_id": "S10", "feedetl_sn": "L10", "med_list_codg": "X001", "day": None,
        "month": None, "amount": "120.00", "basis": "医疗保障基金使用监督管理条例第三十八条第（六）项",
        "evidence": {"fee_ocur_time": "2024-04-01 09:00:00", "gend": "1", "line_amount": "120", "lmt_gend": "2"},
    }]
    assert "R09" in body["rules"] and body["skipped"]["R17"] == "仅在批量筛查中运行"
    assert isinstance(body["ms"], float)


def test_a_readmission_warns_and_a_clean_settlement_passes(client, with_dataset):
    # P0002 left H001 on 2024-03-06 (S2) and 2024-03-12 (S3); back on 2024-03-20 is within 15 days of both
    # (R09, suspect).
    warn = post(client, settlement("S11", "P0002", med_type="21", begin="2024-03-20 08:00:00",
                                   end="2024-03-22 10:00:00")).json()
    assert warn["verdict"] == "warn"
    assert [(f["rule_id"], f["setl_id"], f["amount"]) for f in warn["findings"]] == [("R09", "S11", "400.00")]
    assert warn["findings"][0]["evidence"]["previous_settlements"] == ["S2", "S3"]
    ok = post(client, settlement("S12", "P0001", lines=[("L12", "X003", "10.00")])).json()
    assert (ok["verdict"], ok["findings"]) == ("pass", [])


def test_each_settlement_joins_the_history_the_next_one_is_judged_with(client, with_dataset):
    first = settlement("A1", "P0009", med_type="21", begin="2024-04-01 08:00:00", end="2024-04-05 10:00:00")
    second = settlement("B1", "P0009", med_type="21", begin="2024-04-10 08:00:00", end="2024-04-12 10:00:00")
    assert post(client, second, query="?dry_run=1").json()["verdict"] == "pass"
    assert post(client, first).json()["verdict"] == "pass"
    answer = post(client, second).json()
    assert answer["verdict"] == "warn" and answer["findings"][0]["evidence"]["previous_settlements"] == ["A1"]


def test_the_history_survives_a_restart_and_reaches_the_other_workers(client, with_dataset):
    other_worker = service.build_state(CODE, service.find_source(CODE))
    first = settlement("A2", "P0008", med_type="21", begin="2024-04-01 08:00:00", end="2024-04-05 10:00:00")
    second = settlement("B2", "P0008", med_type="21", begin="2024-04-10 08:00:00", end="2024-04-12 10:00:00")
    assert post(client, first).json()["verdict"] == "pass"
    assert other_worker.handle(second, record=False).verdict == "warn"
    service.reset()  # a restart: the dataset is loaded again and the journal replayed
    assert post(client, second).json()["verdict"] == "warn"


def test_the_latest_successful_run_gives_the_dataset_and_a_logged_in_user_may_prescreen(client, run, analyst):
    client.force_login(analyst)
    answer = post(client, settlement("S13", "P0001", lines=[("L13", "X001", "50.00")]), key=None)
    assert answer.status_code == 200 and answer.json()["verdict"] == "refuse"
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(analyst)
    refused = post(csrf_client, settlement("S14", "P0001"), key=None)
    assert refused.status_code == 403 and refused.json() == {"code": "csrf_failed", "message": "CSRF 校验失败", "basis": None}


@pytest.mark.django_db
def test_no_key_and_no_session_or_a_wrong_key_is_unauthorised(client, with_dataset):
    missing = post(client, settlement("S15", "P0001"), key=None)
    assert missing.status_code == 401 and missing.json()["code"] == "not_authenticated" and missing.json()["message"] == "未登录或缺少 API 密钥"
    wrong = post(client, settlement("S15", "P0001"), key="not-a-key")
    assert wrong.status_code == 401 and wrong.json() == {"code": "invalid_api_key", "message": "API 密钥无效", "basis": None}


def test_a_bad_field_is_named_in_chinese(client, with_dataset):
    data = settlement("S16", "P0001", lines=[("L1", "X003", "1.00"), ("L2", "X003", "1.00"), ("L3", "X003", "1.00")])
    data["lines"][2]["pric"] = "1.1234567"
    answer = post(client, data)
    assert answer.status_code == 400
    body = answer.json()
    assert body == {"code": "invalid_input", "message": "请求数据有误：lines[2].pric：取值不是最多六位小数", "basis": None}
    floats = post(client, '{"settlement": {"setl_id": "S", "mdtrt_id": "M", "psn_no": "P", "fixmedins_code": "H", '
                          '"setl_time": "2024-04-01 09:00:00", "medfee_sumamt": 1.005, "fund_pay_sumamt": 1}}')
    assert "settlement.medfee_sumamt：" in floats.json()["message"] and "小数位数超过2位" in floats.json()["message"]
    assert post(client, "{not json").json() == {"code": "invalid_json", "message": "请求体不是有效的 JSON", "basis": None}


def test_only_post_is_accepted(client, with_dataset):
    answer = client.get(URL, HTTP_X_API_KEY=KEY)
    assert answer.status_code == 405 and answer["Allow"] == "POST"
    assert answer.json()["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_a_bureau_without_a_dataset_or_a_run_is_unavailable(client):
    answer = post(client, settlement("S17", "P0001"))
    assert answer.status_code == 503
    assert answer.json() == {"code": "unavailable", "message": "单位 410324 未配置预审数据集，也没有成功的筛查批次",
                             "basis": None}


@pytest.mark.django_db
def test_a_request_makes_no_database_query(client, with_dataset, django_assert_num_queries):
    post(client, settlement("W1", "P0001"))  # the first request of a process loads the bureau's data
    with django_assert_num_queries(0):
        answer = post(client, settlement("W2", "P0001", lines=[("LW2", "X001", "120.00")]))
    assert answer.json()["verdict"] == "refuse"


def test_keys_written_as_the_environment_gives_them_are_key_equals_code_pairs(settings):
    settings.YIBAO_PRESCREEN_KEYS = "alpha-key-0000000001=410324, beta-key-00000000002=140100"
    service.reset()
    assert service.bureau_for_key("beta-key-00000000002") == "140100"
    assert service.bureau_for_key("alpha-key-0000000001") == "410324"
    assert service.bureau_for_key("gamma") is None
    assert service.configured_codes() == ["140100", "410324"]


# ---------------------------------------------------------------- the WSGI fast path


def fast_post(data, *, key: str | None = KEY, query: str = "", host: str = "testserver", app=None):
    """Call the fast path as a WSGI server would; return (status code, headers, JSON)."""
    import io

    from yibao.monitoring.prescreen.fastpath import prescreen_app, with_fast_path

    body = data if isinstance(data, bytes) else (data.encode() if isinstance(data, str) else json.dumps(data).encode())
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": URL, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": host, "CONTENT_TYPE": "application/json",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
               "REMOTE_ADDR": "127.0.0.1"}
    if key is not None:
        environ["HTTP_X_API_KEY"] = key
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = int(status.split()[0]), dict(headers)

    application = with_fast_path(app) if app is not None else prescreen_app
    payload = b"".join(application(environ, start_response))
    return seen["status"], seen["headers"], json.loads(payload)


def _without_ms(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "ms"}


def test_the_fast_path_answers_api_key_requests_as_the_view_does(client, with_dataset):
    bad_field = settlement("F4", "P0001", lines=[("LF4", "X003", "1.00")])
    bad_field["lines"][0]["cnt"] = "1.1234567"
    requests = [
        (settlement("F1", "P0001", lines=[("LF1", "X001", "120.00")]), KEY),  # refuse
        (settlement("F2", "P0002", med_type="21", begin="2024-03-20 08:00:00", end="2024-03-22 10:00:00"), KEY),
        (settlement("F3", "P0001", lines=[("LF3", "X003", "10.00")]), KEY),  # pass
        (bad_field, KEY),
        ("{not json", KEY),
        (settlement("F5", "P0001"), "wrong-key"),
    ]
    for data, key in requests:
        view = post(client, data, key=key)
        status, headers, body = fast_post(data, key=key)
        assert status == view.status_code
        assert _without_ms(body) == _without_ms(view.json())
        assert headers["Content-Type"] == "application/json; charset=utf-8"
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert [status for status, *_ in (fast_post(d, key=k) for d, k in requests)] == [200, 200, 200, 400, 400, 401]


def test_the_fast_path_checks_the_host_and_the_size_and_leaves_the_rest_to_django(with_dataset):
    assert fast_post(settlement("F6", "P0001"), host="evil.example")[0] == 400
    with_dataset.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert fast_post(settlement("F6", "P0001"))[0] == 413
    called = []

    def django_app(environ, start_response):
        called.append(environ["PATH_INFO"])
        start_response("204 No Content", [("Content-Type", "application/json")])
        return [b"{}"]

    assert fast_post(settlement("F7", "P0001"), key=None, app=django_app)[0] == 204  # a session request
    assert called == [URL]
