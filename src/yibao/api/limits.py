"""Bounds on a JSON request body of the API: its size (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, answered 413 in the
error shape) and its nesting depth (YIBAO_API_MAX_JSON_DEPTH, answered 400).

No request body of the API nests deeper than a few levels (an action's parties, a list of lines); a body
nested hundreds deep is either a mistake or an attempt to spend the server's stack and time, so it is
refused before any schema sees it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.parser import Parser

from .errors import ApiError, ErrorCode


def nesting_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest deeper than `limit` in a decoded JSON value (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def too_deep_error(limit: int) -> ApiError:
    return ApiError(400, ErrorCode.INVALID_JSON, f"请求体的 JSON 嵌套超过 {limit} 层")


class LimitedJSONParser(Parser):
    """Ninja's JSON parser with the depth bound; a body json cannot read still goes to Ninja's own 400."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        limit = settings.YIBAO_API_MAX_JSON_DEPTH
        if nesting_depth_exceeds(data, limit):
            raise too_deep_error(limit)
        return data
