"""Ten layouts of lists from bureaus of ten provinces parse into the items their .yaml expects.

Each fixtures/provinces/NN_*.yaml names its source (or says none was found), the layout's
features, the file beside it and the expected items: every key given for an item is compared,
the others are not.
"""

from pathlib import Path

import pytest
import yaml

from yibao.catalog.parsing import parse_catalog_file

PROVINCES = Path(__file__).with_name("fixtures") / "provinces"
SPECS = sorted(PROVINCES.glob("*.yaml"))


def load(spec: Path) -> dict:
    return yaml.safe_load(spec.read_text(encoding="utf-8"))


def actual_value(item, key: str):
    if key == "bases":
        return [[c.law, c.article, c.paragraph, c.clause] for c in item.bases]
    if key == "duty_steps":
        return [d.step for d in item.duties]
    if key == "basis_text_contains":
        return item.basis_text
    return getattr(item, key)


def test_there_are_ten_layouts_from_ten_provinces_each_with_its_source_stated():
    specs = [load(s) for s in SPECS]
    assert len(specs) >= 10
    assert len({s["source"]["province"] for s in specs}) >= 10
    for s in specs:
        assert s["source"]["note"] and isinstance(s["source"]["found"], bool) and s["layout"]
        if s["source"]["found"]:
            assert s["source"]["url"].startswith("http")


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_a_province_layout_parses_into_its_expected_items(spec):
    data = load(spec)
    expected = data["expected"]
    parsed = parse_catalog_file(PROVINCES / data["file"])
    for key in ("title", "bureau", "date", "warnings"):
        if key in expected:
            assert getattr(parsed, key) == expected[key], key
    assert len(parsed.items) == len(expected["items"])
    for n, (item, want) in enumerate(zip(parsed.items, expected["items"], strict=True), start=1):
        for key, value in want.items():
            got = actual_value(item, key)
            if key == "bases":
                got = [g[: len(w)] for g, w in zip(got, value, strict=False)] if len(got) == len(value) else got
                assert got == value, f"item {n}: {key}"
            elif key == "basis_text_contains":
                assert value in got, f"item {n}: {key}"
            else:
                assert got == value, f"item {n}: {key}"


def test_every_text_fixture_is_named_by_exactly_one_spec():
    named = {load(s).get("file") for s in SPECS}
    files = {p.name for p in PROVINCES.iterdir() if p.suffix in (".txt", ".md", ".html") and p.name != "README.md"}
    assert files == named
