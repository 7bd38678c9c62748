"""The run form tells no one what is on the server: a path outside the allowed folders gets one answer
whether it exists or not, and a file that is not a rule configuration is never quoted back."""

import re

import pytest
from django.urls import reverse

from yibao.monitoring.models import ScreeningRun

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-value-in-a-non-yaml-file"


@pytest.fixture
def roots(settings, tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    settings.YIBAO_DATASET_ROOTS = [allowed]
    return allowed


def errors(client, county, dataset, config="") -> str:
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(dataset), "engine": "duckdb", "config_path": str(config)})
    return "".join(re.findall(r'<div class="error">(.*?)</div>', response.content.decode(), re.S))


def without_paths(message: str, *paths) -> str:
    for p in paths:
        message = message.replace(str(p), "<path>")
    return message


def test_a_folder_outside_the_roots_gets_the_same_answer_whether_it_exists_or_not(client, analyst, county, roots,
                                                                                   tmp_path):
    client.force_login(analyst)
    there = tmp_path / "there"
    there.mkdir()
    missing = tmp_path / "missing"
    said_there = errors(client, county, there)
    said_missing = errors(client, county, missing)
    assert "不在允许的目录内" in said_there
    assert without_paths(said_there, there) == without_paths(said_missing, missing)


def test_a_configuration_outside_the_roots_gets_the_same_answer_whether_it_exists_or_not(client, analyst, county,
                                                                                         roots, tmp_path):
    client.force_login(analyst)
    (roots / "d").mkdir()
    there = tmp_path / "there.yaml"
    there.write_text("rules: {}\n", encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    said_there = errors(client, county, roots / "d", there)
    said_missing = errors(client, county, roots / "d", missing)
    assert "配置文件不在允许的目录内" in said_there
    assert without_paths(said_there, there) == without_paths(said_missing, missing)


def test_a_file_not_named_as_a_configuration_is_refused_before_it_is_read(client, analyst, county, roots):
    client.force_login(analyst)
    (roots / "d").mkdir()
    key = roots / "server.key"
    key.write_text(f"{SECRET}\n", encoding="utf-8")
    said = errors(client, county, roots / "d", key)
    assert "规则配置文件应为 .yaml 或 .yml 文件" in said and SECRET not in said


@pytest.mark.parametrize("content", [
    f"{SECRET}\n",                              # a scalar: once its letters were listed as unknown keys
    f"- {SECRET}\n",                            # a list
    f"{SECRET}: 1\nother: 2\n",                 # a mapping of the wrong keys
    f"key: [unclosed {SECRET}\n",               # not YAML at all: the parser's snippet quoted the line
    f"\t{SECRET}: {{\n",                        # a tab where YAML forbids it
])
def test_a_yaml_named_file_that_is_not_a_configuration_is_not_quoted_back(client, analyst, county, roots, content):
    client.force_login(analyst)
    (roots / "d").mkdir()
    config = roots / "rules.yaml"
    config.write_text(content, encoding="utf-8")
    said = errors(client, county, roots / "d", config)
    assert said and SECRET not in said and SECRET[:6] not in said
    assert not ScreeningRun.objects.exists()


def test_a_yaml_syntax_error_says_where_it_is(client, analyst, county, roots):
    client.force_login(analyst)
    (roots / "d").mkdir()
    config = roots / "rules.yaml"
    config.write_text("rules:\n  R09: {enabled: false\n", encoding="utf-8")
    assert "不是有效的 YAML 配置文件（第" in errors(client, county, roots / "d", config)
