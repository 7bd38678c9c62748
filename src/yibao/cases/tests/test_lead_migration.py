"""Leads moved from monitoring to cases with their tables: a lead made before the move is there after it."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("monitoring", "0003_lead_sources_of_article_16"), ("cases", "0001_initial")]
AFTER = [("monitoring", "0004_leads_moved_to_cases"), ("cases", "0002_leads_from_monitoring")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_lead_made_before_the_move_is_a_case_lead_after_it_with_its_findings():
    old = migrate(BEFORE)
    try:
        Bureau = old.get_model("org", "Bureau")
        bureau = Bureau.objects.create(name="迁移测试县医疗保障局", level="county", code="999001")
        run = old.get_model("monitoring", "ScreeningRun").objects.create(
            bureau=bureau, dataset_path="/tmp/x", engine="duckdb", status="succeeded",
            started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
        finding = old.get_model("monitoring", "Finding").objects.create(
            bureau=bureau, identity_hash="h" * 16, rule_id="R09", rule_name="r", severity="violation",
            amount="12.50", basis="第三十八条", status="handling", first_seen_run=run, last_seen_run=run)
        lead = old.get_model("monitoring", "Lead").objects.create(
            bureau=bureau, number="XS999001202500001", party_type="institution", summary="迁移前的线索",
            received_date=dt.date(2025, 3, 1), suspected_loss="12.50")
        old.get_model("monitoring", "LeadFinding").objects.create(lead=lead, finding=finding)
        case = old.get_model("cases", "Case").objects.create(bureau=bureau, lead=lead, title="迁移前的案件")

        new = migrate(AFTER)
        moved = new.get_model("cases", "Lead").objects.get(number="XS999001202500001")
        assert (moved.pk, moved.summary, str(moved.suspected_loss)) == (lead.pk, "迁移前的线索", "12.50")
        assert list(moved.lead_findings.values_list("finding_id", flat=True)) == [finding.pk]
        assert new.get_model("cases", "Case").objects.get(pk=case.pk).lead_id == lead.pk
        with pytest.raises(LookupError):
            new.get_model("monitoring", "Lead")
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
