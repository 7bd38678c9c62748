"""The pre-screen's operation in the OpenAPI document. Its view stays a plain Django view (and a WSGI
fast path for API-key callers, monitoring/prescreen/fastpath.py), so Ninja does not see it; the
document describes it from the column tables its request parser checks, so the two cannot differ."""

from __future__ import annotations

from typing import Any

from yibao.monitoring.engine.dataset import PATTERNS, TYPE_LABELS
from yibao.monitoring.prescreen import request as parsed

PATH = "/api/v1/prescreen"
# The parser's (column, type, required) tables: the request's contract.
RECORDS = {
    "PrescreenSettlement": ("结算（setl_d 的列）", parsed._SETTLEMENT),
    "PrescreenVisit": ("就诊（mdtrt_d 的列）", parsed._VISIT),
    "PrescreenLine": ("费用明细（fee_list_d 的列）", parsed._LINE),
    "PrescreenPerson": ("人员（psn_info 的列）", parsed._PERSON),
}


def _column(typ: str) -> dict:
    label = TYPE_LABELS[typ]
    if typ in ("dec", "dec6"):
        return {"anyOf": [{"type": "string", "pattern": PATTERNS[typ]}, {"type": "number"}], "description": label}
    if typ == "int":
        return {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": PATTERNS[typ]}], "description": label}
    if typ in ("date", "ts"):
        return {"type": "string", "pattern": PATTERNS[typ], "description": label}
    return {"type": "string", "description": label}


def _record(title: str, spec: tuple) -> dict:
    properties = {}
    for name, typ, required in spec:
        column = _column(typ)
        properties[name] = column if required else {"anyOf": [column, {"type": "null"}]}
    return {"type": "object", "title": title, "properties": properties,
            "required": [name for name, _, required in spec if required]}


def schemas() -> dict[str, dict]:
    ref = "#/components/schemas/"
    out = {name: _record(title, spec) for name, (title, spec) in RECORDS.items()}
    out["PrescreenRequest"] = {
        "type": "object", "title": "预审请求", "required": ["settlement"],
        "properties": {
            "settlement": {"$ref": ref + "PrescreenSettlement"},
            "visit": {"$ref": ref + "PrescreenVisit"},
            "lines": {"type": "array", "maxItems": parsed.MAX_LINES, "items": {"$ref": ref + "PrescreenLine"}},
            "person": {"$ref": ref + "PrescreenPerson"},
        },
    }
    out["PrescreenFinding"] = {
        "type": "object", "title": "预审发现",
        "properties": {
            **{k: {"type": "string"} for k in ("rule_id", "rule_name", "severity", "fixmedins_code", "psn_no",
                                               "setl_id", "basis")},
            **{k: {"type": ["string", "null"]} for k in ("feedetl_sn", "med_list_codg", "day", "month")},
            "amount": {"type": "string", "description": "金额，两位小数"},
            "evidence": {"type": "object"},
        },
        "required": ["rule_id", "severity", "amount"],
    }
    out["PrescreenAnswer"] = {
        "type": "object", "title": "预审结论", "required": ["verdict", "findings", "rules", "skipped", "ms"],
        "properties": {
            "verdict": {"type": "string", "enum": ["refuse", "warn", "pass"],
                        "description": "refuse：发现违规；warn：发现可疑；pass：未发现"},
            "findings": {"type": "array", "items": {"$ref": ref + "PrescreenFinding"}},
            "rules": {"type": "array", "items": {"type": "string"}},
            "skipped": {"type": "object", "additionalProperties": {"type": "string"}},
            "ms": {"type": "number"},
        },
    }
    return out


def add_prescreen(schema: dict[str, Any], *, error_ref: str) -> None:
    """Add the pre-screen's operation, its schemas and its API-key scheme to a generated document."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {}).update(schemas())
    components.setdefault("securitySchemes", {})["PrescreenApiKey"] = {
        "type": "apiKey", "in": "header", "name": "X-Api-Key",
        "description": "单位的预审密钥（YIBAO_PRESCREEN_KEYS）；也可用登录会话（须带 CSRF 令牌）",
    }
    error = {"content": {"application/json": {"schema": {"$ref": error_ref}}}}
    schema["paths"][PATH] = {"post": {
        "operationId": "prescreen",
        "tags": ["事前预审"],
        "summary": "事前预审：在支付前判断一笔结算",
        "description": "按智能监控规则判断一笔结算及其费用明细；dry_run=1 时只判断、不计入历史。",
        "parameters": [
            {"name": "dry_run", "in": "query", "required": False, "schema": {"type": "string", "enum": ["1", "true"]}},
            {"name": "bureau", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "未关联单位的系统管理员用会话调用时，指定单位的行政区划代码"},
        ],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/PrescreenRequest"}}}},
        "responses": {
            "200": {"description": "预审结论",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PrescreenAnswer"}}}},
            **{str(s): {"description": d, **error} for s, d in (
                (400, "请求数据有误（message 指出字段）"), (401, "缺少或错误的 API 密钥"), (403, "CSRF 校验失败或账号未关联单位"),
                (405, "只接受 POST"), (413, "请求体过大"), (503, "该单位没有可用的预审数据"))},
        },
        "security": [{"PrescreenApiKey": []}, {"SessionAuth": []}],
    }}
