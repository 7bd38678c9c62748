"""yibao penalty assess: the no-penalty type, named bases and its wording."""

import json

from typer.testing import CliRunner

from yibao.cli import app

BASE = ["penalty", "assess", "--act-date", "2024-01-10"]


def _run(*args: str):
    return CliRunner().invoke(app, [*BASE, *args])


def test_json_gives_the_no_penalty_type_as_one_of_three_words():
    kinds = {}
    for name, extra in (("none", []), ("mandatory", ["--circumstance", "no_fault"]),
                        ("discretionary", ["--circumstance", "first_offence", "--circumstance", "minor_harm",
                                           "--circumstance", "promptly_corrected"])):
        result = _run("--provision", "《条例》第40条第1款", "--party", "institution", "--amount", "1000", *extra, "--json")
        assert result.exit_code == 0, result.output
        kinds[name] = json.loads(result.output)["no_penalty"]["applies"]
    assert kinds == {"none": "none", "mandatory": "mandatory", "discretionary": "discretionary"}


def test_text_output_says_no_penalty_does_not_apply_rather_than_no_penalty():
    result = _run("--provision", "《条例》第40条第1款", "--party", "institution", "--amount", "1000")
    assert result.exit_code == 0, result.output
    assert "不予处罚：不适用（无法定不予处罚情形）" in result.output
    assert "不予处罚：不具备" not in result.output


def test_named_bases_are_accepted_with_base():
    result = _run("--provision", "《条例》第44条", "--party", "agency", "--circumstance", "illegal_gains",
                  "--base", "misappropriated_amount=20000", "--base", "illegal_gains=1500", "--json")
    assert result.exit_code == 0, result.output
    measures = {m["kind"]: m for m in json.loads(result.output)["measures"]}
    assert (measures["order_refund"]["min"], measures["confiscate_gains"]["min"]) == ("20000.00", "1500.00")


def test_a_single_amount_for_two_bases_is_refused_in_chinese():
    result = _run("--provision", "《条例》第44条", "--party", "agency", "--circumstance", "illegal_gains",
                  "--amount", "20000")
    assert result.exit_code != 0
    assert "misappropriated_amount（侵占、挪用金额）、illegal_gains（违法所得）" in result.output


def test_a_discovery_before_the_act_is_refused():
    result = _run("--provision", "《条例》第40条第1款", "--party", "institution", "--amount", "1000",
                  "--discovery-date", "2023-01-01")
    assert result.exit_code != 0
    assert "违法行为不能在发生之前被发现" in result.output
