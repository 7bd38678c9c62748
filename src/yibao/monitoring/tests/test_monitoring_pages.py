"""The monitoring pages with Django's test client: runs, findings, review, leads, export, masking."""

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from yibao.cases.models import Lead
from yibao.cases.services.leads import do_create_leads
from yibao.core.models import AuditEvent
from yibao.law.models import Article, Law
from yibao.monitoring.constants import FindingStatus, RunStatus
from yibao.monitoring.models import Finding, ScreeningRun
from yibao.monitoring.services import (
    do_close_appeal_window,
    do_confirm_first_review,
    do_confirm_second_review,
)
from yibao.monitoring.tests.test_runs import DATASET, write_dataset
from yibao.org.constants import BureauLevel, Role
from yibao.org.services import do_create_bureau


@pytest.fixture
def as_user(client, make_user, county):
    def login(user_or_role):
        user = user_or_role if not isinstance(user_or_role, str) else make_user(
            f"user-{user_or_role}", user_or_role, county, first_name="测试")
        client.force_login(user)
        return client

    return login


@pytest.fixture
def head(make_user, county):
    return make_user("head", Role.HEAD, county, first_name="赵志强")


def text(response) -> str:
    return response.content.decode("utf-8")


def confirmed_findings(county, analyst, make_user):
    findings = list(Finding.objects.filter(bureau=county).order_by("id"))
    second = make_user("analyst2", Role.ANALYST, county)
    do_confirm_first_review(findings, actor=analyst)
    do_confirm_second_review(findings, actor=second)
    do_close_appeal_window(findings, actor=analyst, reason="机构书面放弃申诉")
    return findings


# ---------------------------------------------------------------- runs

def test_the_navigation_leads_to_the_run_list_with_the_run_and_a_new_run_button(run, as_user, analyst):
    client = as_user(analyst)
    home = text(client.get(reverse("home")))
    assert f'href="{reverse("monitoring:run_list")}"' in home and "智能监控" in home
    page = text(client.get(reverse("monitoring:run_list")))
    assert f"#{run.pk}" in page and "栾川县医疗保障局" in page and "已完成" in page
    assert "新建筛查" in page


def test_an_officer_sees_no_new_run_button_and_may_not_open_the_form(run, as_user):
    client = as_user(Role.OFFICER)
    assert "新建筛查" not in text(client.get(reverse("monitoring:run_list")))
    response = client.get(reverse("monitoring:run_create"))
    assert response.status_code == 403 and "没有发起筛查的权限" in text(response)


def test_an_analyst_starts_a_run_from_the_form_and_lands_on_its_page(county, dataset_dir, as_user, analyst,
                                                                    settings, jobs_inline):
    client = as_user(analyst)
    form = client.get(reverse("monitoring:run_create"))
    assert "数据集目录" in text(form) and "规则配置文件" in text(form)
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(dataset_dir), "engine": "duckdb", "config_path": ""}, follow=True)
    run = ScreeningRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("monitoring:run_detail", args=[run.pk])
    page = text(response)
    assert f"筛查 #{run.pk} 完成：疑点 8 条，其中新发现 8 条。" in page
    assert run.started_by == analyst and run.status == RunStatus.SUCCEEDED


def test_the_form_says_in_chinese_when_the_folder_or_the_configuration_is_wrong(county, tmp_path, dataset_dir,
                                                                                 as_user, analyst):
    client = as_user(analyst)
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(tmp_path / "nowhere"), "engine": "duckdb"})
    assert "数据集目录不存在" in text(response)
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters:\n  readmit_days: -1\n", encoding="utf-8")
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(dataset_dir), "engine": "duckdb", "config_path": str(bad)})
    assert "readmit_days 应为非负整数" in text(response)
    assert not ScreeningRun.objects.exists()


def test_a_long_wrong_path_or_configuration_value_is_not_quoted_back_in_full(county, tmp_path, dataset_dir, as_user,
                                                                              analyst):
    client = as_user(analyst)
    nowhere = "/" + "很长的目录名" * 60
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": nowhere, "engine": "duckdb"})
    errors = "".join(re.findall(r'<div class="error">(.*?)</div>', text(response)))
    # Outside the allowed folders (checked before whether it exists, so the answer says nothing of the disk).
    assert "数据集目录不在允许的目录内：/很长的目录名" in errors and nowhere not in errors and "（共 361 字）" in errors
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  " + "R" * 500 + ": {enabled: false}\n", encoding="utf-8")
    response = client.post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(dataset_dir), "engine": "duckdb", "config_path": str(bad)})
    errors = "".join(re.findall(r'<div class="error">(.*?)</div>', text(response)))
    assert "未知的规则 RRR" in errors and "R" * 100 not in errors
    assert not ScreeningRun.objects.exists()


def test_a_failed_run_shows_the_datasets_problems(county, tmp_path, as_user, analyst, settings, jobs_inline):
    tables = dict(DATASET)
    tables["fee_list_d"] += "L9,S99,P0001,H001,2024-03-01 09:10:00,X001,201,1,1,1.00,1.00,01\n"
    folder = write_dataset(tmp_path / "orphan", tables)
    response = as_user(analyst).post(reverse("monitoring:run_create"), {
        "bureau": county.pk, "dataset_path": str(folder), "engine": "duckdb"}, follow=True)
    page = text(response)
    assert "失败" in page and "指向不存在的结算" in page and "第9行" in page


def test_the_run_page_shows_rules_skipped_rules_and_chart_data(run, as_user, analyst):
    response = as_user(analyst).get(reverse("monitoring:run_detail", args=[run.pk]))
    page = text(response)
    assert "跳过：缺少可选表 kb_item_pair" in page
    assert 'id="chart-rules"' in page and 'id="chart-institutions"' in page and 'id="chart-severity"' in page
    assert "yibao/echarts.min.js" in page
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert {r["label"]: r["n"] for r in chart["rules"]} == {
        "R01 限定性别": 1, "R05 超标准收费": 2, "R09 分解住院": 1, "R12 死亡后就医": 1, "R14 丙类纳入基金": 3}
    assert chart["institutions"][0] == {"label": "栾川县人民医院", "n": 4, "amount": 1900.0}
    assert {r["label"] for r in chart["severity"]} == {"明确违规", "可疑"}


def test_a_finished_runs_progress_tells_the_page_to_reload(run, as_user, analyst):
    response = as_user(analyst).get(reverse("monitoring:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    ScreeningRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, progress_done=3, progress_rule="R04")
    response = as_user(analyst).get(reverse("monitoring:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in response and "已完成 3/17 条规则，正在筛查 R04" in text(response)
    assert 'hx-trigger="every 2s"' in text(response)


# ---------------------------------------------------------------- findings

def test_the_findings_list_shows_names_beside_codes_and_masks_persons_for_an_analyst(run, as_user, analyst):
    page = text(as_user(analyst).get(reverse("monitoring:finding_list")))
    assert 'id="finding-count">8<' in page
    assert "栾川县人民医院" in page and "H001" in page
    assert "张**" in page and "张三丰" not in page
    assert not AuditEvent.objects.filter(action="pii.view").exists()


def test_a_head_sees_full_names_and_the_viewing_is_audited(run, as_user, head):
    page = text(as_user(head).get(reverse("monitoring:finding_list")))
    assert "张三丰" in page and "李秀英" in page
    event = AuditEvent.objects.get(action="pii.view")
    assert event.actor == head and set(event.data["psn_nos"]) == {"P0001", "P0002", "P0003"}


def test_filters_narrow_the_list_and_an_htmx_request_gets_only_the_results(run, as_user, analyst):
    client = as_user(analyst)
    page = text(client.get(reverse("monitoring:finding_list"), {"rule": "R14"}))
    assert 'id="finding-count">3<' in page
    page = text(client.get(reverse("monitoring:finding_list"), {"institution": "H002", "severity": "violation"}))
    assert 'id="finding-count">4<' in page
    fragment = text(client.get(reverse("monitoring:finding_list"), {"rule": "R09"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment and 'id="finding-count">1<' in fragment
    page = text(client.get(reverse("monitoring:finding_list"), {"q": "L7"}))
    assert 'id="finding-count">2<' in page


def test_bulk_first_review_moves_the_ticked_findings(run, as_user, analyst, county):
    ids = list(Finding.objects.filter(bureau=county, rule_id="R14").values_list("pk", flat=True))
    response = as_user(analyst).post(reverse("monitoring:finding_bulk"), {
        "ids": ids, "action": "first_confirm", "next": reverse("monitoring:finding_list") + "?rule=R14"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("monitoring:finding_list") + "?rule=R14"
    assert "初审确认：3 条疑点。" in text(response)
    assert set(Finding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {FindingStatus.SECOND_REVIEW}


def test_bulk_dismissal_without_a_reason_is_refused_with_a_chinese_message(run, as_user, analyst, county):
    ids = list(Finding.objects.filter(bureau=county).values_list("pk", flat=True))
    response = as_user(analyst).post(reverse("monitoring:finding_bulk"), {"ids": ids, "action": "first_dismiss"},
                                     follow=True)
    assert "初审排除须填写理由。" in text(response)
    assert not Finding.objects.exclude(status=FindingStatus.NEW).exists()


def test_a_wrong_appeal_date_or_a_too_long_reason_is_refused_naming_the_field(run, as_user, analyst, county):
    finding = Finding.objects.filter(bureau=county).first()
    client = as_user(analyst)
    response = client.post(reverse("monitoring:finding_bulk"), {"ids": [finding.pk], "action": "first_dismiss",
                                                                "reason": "误" * 2500, "appeal_date": "31/12/2025"},
                           follow=True)
    page = text(response)
    assert "“理由”不能超过 2000 个字符（当前 2500 个）。" in page
    assert "“申诉日期”不是有效的日期，请按 年-月-日 填写" in page and "误" * 100 not in page
    response = client.post(reverse("monitoring:finding_transition", args=[finding.pk]),
                           {"transition": "first_dismiss", "appeal_date": "2025-02-30"}, follow=True)
    assert "“申诉日期”不是有效的日期" in text(response)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NEW


def test_a_filter_too_long_to_apply_is_named_and_not_quoted_back(run, as_user, analyst):
    client = as_user(analyst)
    for url in (reverse("monitoring:finding_list"), reverse("monitoring:rule_summary"),
                reverse("monitoring:institution_summary"), reverse("cases:lead_list")):
        page = text(client.get(url, {"q": "查" * 300}))
        errors = re.search(r'<p class="error" id="filter-errors" role="alert">(.*?)</p>', page)
        assert errors, url
        assert errors.group(1) == "“编号”不能超过 64 个字符（当前 300 个）。该条件未生效，下面是不含该条件的结果。"
    page = text(client.get(reverse("monitoring:finding_list"), {"rule": "R99"}, headers={"HX-Request": "true"}))
    assert "“规则”中没有这个选项，请重新选择。" in page and 'id="finding-count">8<' in page
    assert 'id="filter-errors"' not in text(client.get(reverse("monitoring:finding_list"), {"rule": "R01"}))


def test_bulk_without_ticked_findings_says_so(run, as_user, analyst):
    response = as_user(analyst).post(reverse("monitoring:finding_bulk"), {"action": "first_confirm"}, follow=True)
    assert "请先勾选疑点。" in text(response)


def test_the_finding_page_shows_evidence_claims_basis_link_and_history(run, as_user, analyst, county):
    law = Law.objects.create(name="医疗保障基金使用监督管理条例", rank="admin_regulation")
    article = Article.objects.create(law=law, number=38, text="定点医药机构有下列情形之一的……")
    finding = Finding.objects.get(bureau=county, rule_id="R01")
    do_confirm_first_review(finding, actor=analyst, reason="男性患者收取妇科检查费")
    page = text(as_user(analyst).get(reverse("monitoring:finding_detail", args=[finding.pk])))
    assert f'href="{reverse("law:article_detail", args=[article.pk])}#p1c6"' in page
    assert "医疗保障基金使用监督管理条例第三十八条第（六）项" in page
    assert "限定性别" in page and "<span class=\"muted code\">lmt_gend</span>" in page
    assert "栾川县人民医院" in page and "张**" in page and "410324********1234" in page
    assert '<tr class="hl"><td class="code">L1</td>' in page  # the fee line from the dataset
    assert "初审确认" in page and "男性患者收取妇科检查费" in page
    assert f"#{run.pk}" in page  # sightings


def test_a_settlement_finding_shows_the_settlement_its_lines_and_the_earlier_stay(run, as_user, analyst, county):
    finding = Finding.objects.get(bureau=county, rule_id="R09")
    page = text(as_user(analyst).get(reverse("monitoring:finding_detail", args=[finding.pk])))
    assert '<td class="code">S3</td>' in page and '<td class="code">S2</td>' in page  # B and the earlier A
    assert '<td class="code">L5</td>' in page
    assert "前次住院结算" in page


def test_a_finding_is_reviewed_from_its_page_and_the_first_reviewer_is_told_to_leave_the_second(
        run, as_user, analyst, county):
    finding = Finding.objects.get(bureau=county, rule_id="R09")
    client = as_user(analyst)
    response = client.post(reverse("monitoring:finding_transition", args=[finding.pk]),
                           {"transition": "first_confirm"}, follow=True)
    assert f"初审确认：疑点 #{finding.pk}。" in text(response)
    assert "您是本疑点的初审人，须由其他人员复审。" in text(response)
    response = client.post(reverse("monitoring:finding_transition", args=[finding.pk]),
                           {"transition": "second_confirm"}, follow=True)
    assert "同一人不能对同一疑点既初审又复审" in text(response)


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """The hidden and selected values a form on the page would post."""
    form = page[page.index(f'id="{form_id}"'):]
    form = form[:form.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    fields |= {name: value for name, value in re.findall(r'<select name="(\w+)"><option value="([^"]*)"', form)}
    return fields


def test_a_confirmed_finding_is_registered_as_a_lead_from_its_own_page(run, as_user, analyst, county, make_user):
    findings = confirmed_findings(county, analyst, make_user)
    r09 = next(f for f in findings if f.rule_id == "R09")
    client = as_user(analyst)
    page = text(client.get(reverse("monitoring:finding_detail", args=[r09.pk])))
    assert "登记为线索" in page and "以定点医药机构为当事人" in page and "以参保人员为当事人" in page
    fields = form_fields(page, "finding-lead-form")
    assert fields["ids"] == str(r09.pk) and fields["group_by"] == "institution"
    response = client.post(reverse("monitoring:finding_bulk"), fields, follow=True)
    lead = Lead.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:lead_detail", args=[lead.pk])
    assert list(lead.lead_findings.values_list("finding_id", flat=True)) == [r09.pk]
    assert lead.party_code == r09.fixmedins_code and 'id="lead-loss">1600.00<' in text(response)
    page = text(client.get(reverse("monitoring:finding_detail", args=[r09.pk])))
    assert f"已纳入线索 <a href=\"{reverse('cases:lead_detail', args=[lead.pk])}\">{lead.number}</a>" in page
    assert "登记为线索" not in page


def test_the_lead_action_is_offered_only_for_confirmed_findings_and_to_whom_may_make_leads(
        run, as_user, analyst, county, make_user):
    unconfirmed = Finding.objects.filter(bureau=county).first()
    assert "登记为线索" not in text(as_user(analyst).get(reverse("monitoring:finding_detail", args=[unconfirmed.pk])))
    findings = confirmed_findings(county, analyst, make_user)
    officer = make_user("officer1", Role.OFFICER, county)
    page = text(as_user(officer).get(reverse("monitoring:finding_detail", args=[findings[0].pk])))
    assert "登记为线索" not in page


def test_findings_of_another_bureau_are_not_found(run, make_user, as_user, county):
    other = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, code="410325", actor=None)
    client = as_user(make_user("stranger", Role.ANALYST, other))
    finding = Finding.objects.filter(bureau=county).first()
    assert client.get(reverse("monitoring:finding_detail", args=[finding.pk])).status_code == 404
    assert 'id="finding-count">0<' in text(client.get(reverse("monitoring:finding_list")))
    assert client.get(reverse("monitoring:run_detail", args=[run.pk])).status_code == 404


def test_the_pages_by_rule_and_by_institution_sum_counts_and_amounts(run, as_user, analyst):
    client = as_user(analyst)
    page = text(client.get(reverse("monitoring:rule_summary")))
    assert "丙类纳入基金" in page and "2330.00" in page  # the total amount
    assert 'id="chart-rules"' in page
    page = text(client.get(reverse("monitoring:institution_summary")))
    assert page.index("栾川县人民医院") < page.index("栾川县中医院")  # by amount, largest first
    assert "1900.00" in page and "430.00" in page and "二级" in page


# ---------------------------------------------------------------- export

def read_xlsx(response) -> list[list]:
    wb = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in wb["疑点明细"].iter_rows(values_only=True)]


def test_the_export_has_chinese_headers_names_beside_codes_and_masked_persons(run, as_user, analyst):
    response = as_user(analyst).get(reverse("monitoring:finding_export"), {"rule": "R01"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(response)
    header, row = rows[0], rows[1]
    assert header[:10] == ["疑点编号", "规则", "规则名称", "性质", "状态", "定点医药机构编号", "定点医药机构名称", "人员编号",
                           "姓名", "身份证号"]
    assert row[1:10] == ["R01", "限定性别", "明确违规", "待初审", "H001", "栾川县人民医院", "P0001", "张**",
                         "410324********1234"]
    assert float(row[15]) == 120.0
    assert len(rows) == 2
    assert AuditEvent.objects.filter(action="finding.export").exists()
    assert not AuditEvent.objects.filter(action="pii.view").exists()


def test_run_times_in_the_run_filter_and_the_export_are_shanghai_times_not_utc(run, as_user, analyst):
    # 17:30 UTC is 01:30 the next day in Shanghai: a UTC time would show the wrong day.
    ScreeningRun.objects.filter(pk=run.pk).update(started_at=dt.datetime(2025, 3, 1, 17, 30, tzinfo=dt.UTC))
    client = as_user(analyst)
    page = text(client.get(reverse("monitoring:finding_list")))
    assert f"#{run.pk} 2025-03-02 01:30（" in page and "2025-03-01 17:30" not in page
    rows = read_xlsx(client.get(reverse("monitoring:finding_export")))
    first, last = rows[0].index("首次发现"), rows[0].index("最近发现")
    assert {r[first] for r in rows[1:]} == {r[last] for r in rows[1:]} == {f"#{run.pk} 2025-03-02 01:30"}
    page = text(client.get(reverse("monitoring:run_detail", args=[run.pk])))
    assert "2025-03-02 01:30" in page and "2025-03-01 17:30" not in page
    finding = Finding.objects.filter(bureau=run.bureau).first()
    page = text(client.get(reverse("monitoring:finding_detail", args=[finding.pk])))
    assert "2025-03-02 01:30" in page and "2025-03-01 17:30" not in page


def test_a_head_exports_full_personal_data_and_it_is_audited(run, as_user, head):
    rows = read_xlsx(as_user(head).get(reverse("monitoring:finding_export")))
    assert len(rows) == 9
    assert "张三丰" in {r[8] for r in rows} and "410324198001011234" in {r[9] for r in rows}
    assert AuditEvent.objects.filter(action="pii.view", actor=head).exists()


# ---------------------------------------------------------------- leads

def test_confirmed_findings_become_leads_from_the_list_and_show_in_the_lead_pages(run, as_user, analyst, county,
                                                                                 make_user):
    findings = confirmed_findings(county, analyst, make_user)
    r09 = next(f for f in findings if f.rule_id == "R09")
    response = as_user(analyst).post(reverse("monitoring:finding_bulk"), {
        "ids": [r09.pk], "action": "create_leads", "group_by": "institution", "by_rule": "on"}, follow=True)
    lead = Lead.objects.get()
    assert response.redirect_chain[-1][0] == reverse("cases:lead_detail", args=[lead.pk])
    page = text(response)
    assert lead.number in page and "栾川县人民医院" in page and 'id="lead-loss">1600.00<' in page
    assert "1600.00 元至 3200.00 元" in page
    assert "《医疗保障基金使用监督管理条例》第三十八条第（一）项" in page
    listing = text(as_user(analyst).get(reverse("cases:lead_list")))
    assert lead.number in listing and 'id="lead-count">1<' in listing and "智能监控" in listing


def test_a_person_lead_shows_the_name_masked_to_an_analyst(run, as_user, analyst, county, make_user):
    confirmed_findings(county, analyst, make_user)
    lead = do_create_leads(Finding.objects.filter(rule_id="R12"), group_by="person", actor=analyst)[0]
    page = text(as_user(analyst).get(reverse("cases:lead_detail", args=[lead.pk])))
    assert "王**" in page and "王五福" not in page
    assert "无法计算罚款幅度" in page


def test_a_lead_page_gives_each_note_of_the_calculator_once(run, as_user, analyst, county, make_user):
    confirmed_findings(county, analyst, make_user)
    lead = do_create_leads(Finding.objects.filter(rule_id="R09"), actor=analyst)[0]
    note = "第四十条第二款以“以骗取医疗保障基金为目的”为要件，事实中未认定，不适用。"
    assert note in lead.fine_note and any(note in n for n in lead.assessment["notes"])
    page = text(as_user(analyst).get(reverse("cases:lead_detail", args=[lead.pk])))
    assert page.count(note) == 1


def test_the_head_moves_a_lead_to_assessing_from_its_page(run, as_user, analyst, county, make_user, head):
    confirmed_findings(county, analyst, make_user)
    lead = do_create_leads(Finding.objects.filter(rule_id="R09"), actor=analyst)[0]
    response = as_user(head).post(reverse("cases:lead_status", args=[lead.pk]), {"status": "assessing"},
                                  follow=True)
    assert "已变更为“评估中”" in text(response)
    lead.refresh_from_db()
    assert lead.status == "assessing"


def test_a_city_analyst_sees_the_findings_of_the_counties_below(run, make_user, as_user, county):
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, code="410300", actor=None)
    county.parent = city
    county.save()
    client = as_user(make_user("city-analyst", Role.ANALYST, city))
    assert 'id="finding-count">8<' in text(client.get(reverse("monitoring:finding_list")))
    county_user = make_user("county-analyst", Role.ANALYST, county)
    finding_city = Finding.objects.first()
    assert as_user(county_user).get(reverse("monitoring:finding_detail", args=[finding_city.pk])).status_code == 200
