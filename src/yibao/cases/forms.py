"""The filing form (从线索立案) and the small forms of the case page's actions."""

from __future__ import annotations

from typing import Any

from django import forms

from yibao.core.forms import DateInput, Form
from yibao.org.models import Officer

from .constants import PartyType
from .models import (
    ArrangementKind,
    Case,
    DecisionKind,
    Lead,
    RecusalAskedBy,
    RemedyKind,
    RemedyOutcome,
    ReviewOpinion,
    ServiceMethod,
    TransferKind,
)
from .services.clock import RECORDED_KINDS
from .services.leads import FILABLE_LEAD_STATUSES


class OfficerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return f"{obj.name}（{obj.certificate_number or '无执法证'}）"


class FilingForm(Form):
    lead = forms.ModelChoiceField(label="线索", queryset=Lead.objects.none(), required=False,
                                  empty_label="（不从线索立案）")
    title = forms.CharField(label="案由", max_length=300)
    facts_summary = forms.CharField(label="违法事实摘要", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices)
    party_name = forms.CharField(label="当事人姓名或名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    address = forms.CharField(label="住所或地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人或者主要负责人", max_length=100, required=False)
    contact = forms.CharField(label="联系方式", max_length=100, required=False)
    officers = OfficerChoice(label="办案执法人员（至少两人）", queryset=Officer.objects.none(),
                             widget=forms.CheckboxSelectMultiple)
    act_end_on = forms.DateField(label="违法行为发生或终了日期", widget=DateInput())
    discovered_on = forms.DateField(label="发现日期", widget=DateInput(), required=False,
                                    help_text="留空则取线索接收日期")
    life_health_harm = forms.BooleanField(label="涉及公民生命健康安全且有危害后果（追责时效五年）", required=False)
    provisions = forms.CharField(label="适用条款（每行一条）", widget=forms.Textarea(attrs={"rows": 2}),
                                 required=False)
    amount = forms.DecimalField(label="涉案金额（元）", required=False, min_value=0, decimal_places=2)
    review_required = forms.BooleanField(label="属行政处罚法第五十八条须法制审核的情形", required=False, initial=True,
                                         help_text="本局每案审核或罚款达到本局数额的，不论是否勾选都须审核")
    deliberation_required = forms.BooleanField(label="情节复杂，须集体讨论", required=False,
                                               help_text="罚款达到本局数额的，不论是否勾选都须集体讨论")

    def __init__(self, *args: Any, bureau_ids: list[int] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        leads = Lead.objects.filter(status__in=FILABLE_LEAD_STATUSES).select_related("bureau")
        officers = Officer.objects.filter(active=True).select_related("bureau")
        if bureau_ids is not None:
            leads, officers = leads.filter(bureau_id__in=bureau_ids), officers.filter(bureau_id__in=bureau_ids)
        self.fields["lead"].queryset = leads
        self.fields["lead"].label_from_instance = lambda ld: f"{ld.number} {ld.party_name}（{ld.get_status_display()}）"
        self.fields["officers"].queryset = officers


class SummaryForm(Form):
    """当场处罚 (简易程序): the numbered form handed to the party on the spot."""

    decision_number = forms.CharField(label="当场处罚决定书编号", max_length=60)
    decided_on = forms.DateField(label="决定日期", widget=DateInput(), required=False, help_text="留空为今天")
    place = forms.CharField(label="地点", max_length=200, required=False)
    party_type = forms.ChoiceField(label="当事人类型", choices=PartyType.choices)
    party_name = forms.CharField(label="当事人姓名或名称", max_length=200)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    facts_summary = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 3}))
    provisions = forms.CharField(label="依据（每行一条）", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    fine = forms.DecimalField(label="罚款（元）", required=False, min_value=0, decimal_places=2,
                              help_text="警告不填；公民二百元以下、法人或者其他组织三千元以下（行政处罚法第五十一条）")
    officers = OfficerChoice(label="执法人员（两人，含本人）", queryset=Officer.objects.none(),
                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, bureau_ids: list[int] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        officers = Officer.objects.filter(active=True).select_related("bureau")
        self.fields["officers"].queryset = officers if bureau_ids is None else officers.filter(bureau_id__in=bureau_ids)


class SearchForm(Form):
    q = forms.CharField(label="案号、案由或当事人", required=False)
    state = forms.ChoiceField(label="状态", required=False)
    officer = forms.CharField(label="执法人员", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        from .models.case import CASE_STATE_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", "全部"), *CASE_STATE_CHOICES]


# The inputs each action of the case page asks for: (name, label, kind, choices).
ACTION_FIELDS: dict[str, list[tuple[str, str, str, list | None]]] = {
    "reject_filing": [("reason", "不予立案理由", "textarea", None)],
    "finish_investigation": [("report", "调查终结报告", "textarea", None)],
    "complete_review": [("opinion", "审核意见", "select", ReviewOpinion.choices),
                        ("text", "具体意见", "textarea", None)],
    "approve_proposal": [("decision_kind", "拟处理决定", "select", DecisionKind.choices),
                         ("fine", "拟罚款（元）", "text", None),
                         ("hearing_right", "告知听证权利", "checkbox", None),
                         ("opinion", "审批意见", "text", None)],
    "notify": [("on", "告知日期（留空为今天）", "date", None)],
    "close_statements": [("text", "陈述申辩情况", "textarea", None)],
    "record_hearing": [("record", "听证笔录", "textarea", None), ("host_opinion", "主持人意见", "textarea", None)],
    "decide": [("decision_kind", "决定类型", "select", DecisionKind.choices), ("fine", "罚款（元）", "text", None),
               ("reason", "说明", "text", None)],
    "serve": [("method", "送达方式", "select", ServiceMethod.choices), ("on", "送达日期（留空为今天）", "date", None),
              ("reason", "逾期送达的原因", "text", None)],
    "record_payment": [("paid_on", "缴款日期（留空为今天）", "date", None), ("reference", "缴款凭证号", "text", None)],
    "close": [("reason", "结案说明", "text", None)],
    "suspend": [("reason", "中止理由", "textarea", None)],
    "resume": [("reason", "恢复理由", "textarea", None)],
    "terminate": [("reason", "终止理由", "textarea", None)],
    "transfer": [("kind", "移送类别", "select", TransferKind.choices), ("to_authority", "接收机关", "text", None),
                 ("letter_number", "移送函文号", "text", None), ("sent_on", "移送日期（留空为今天）", "date", None),
                 ("reason", "移送理由", "textarea", None)],
    "record_transfer_receipt": [("received_on", "回执日期（留空为今天）", "date", None),
                                ("note", "回执情况", "textarea", None)],
    "revoke_filing": [("reason", "撤销立案理由", "textarea", None)],
    "extend_deadline": [("reason", "延长理由", "textarea", None),
                        ("deliberation_record", "集体讨论记录（再次延长时填写）", "textarea", None)],
    "record_excluded_period": [("kind", "期间类别", "select", list(RECORDED_KINDS.items())),
                               ("start", "开始日期", "date", None), ("end", "结束日期（尚未结束的不填）", "date", None),
                               ("reason", "事由", "textarea", None)],
    "end_excluded_period": [("end", "结束日期", "date", None)],
    "mark_complex": [("reason", "情节复杂的理由", "textarea", None)],
    "file_summary": [("reason", "逾期备案的原因", "text", None)],
    "arrange_payment": [("kind", "方式", "select", ArrangementKind.choices), ("until", "最后缴款日期", "date", None),
                        ("instalments", "分期安排（每行：日期 金额；暂缓不填）", "textarea", None),
                        ("reason", "当事人申请的理由", "textarea", None)],
    "serve_reminder": [("served_on", "催告书送达日期（留空为今天）", "date", None)],
    "apply_court_enforcement": [("applied_on", "申请日期（留空为今天）", "date", None)],
    "record_court_acceptance": [("accepted_on", "受理日期（留空为今天）", "date", None)],
    "record_remedy": [("kind", "救济途径", "select", RemedyKind.choices), ("body", "复议机关或法院", "text", None),
                      ("filed_on", "申请或起诉日期（留空为今天）", "date", None)],
    "record_remedy_outcome": [("outcome", "结果", "select", RemedyOutcome.choices),
                              ("decided_on", "决定或判决日期（留空为今天）", "date", None),
                              ("changed_fine", "变更后的罚款（元）", "text", None), ("note", "说明", "text", None)],
    "record_deliberation": [("held_on", "讨论日期（留空为今天）", "date", None),
                            ("attendees", "参加人员（每行一人，主持的负责人可不填）", "textarea", None),
                            ("conclusion", "讨论结论", "textarea", None)],
}


def _case_officers(case: Case) -> list[tuple[str, str]]:
    return [(str(co.officer_id), co.officer.name)
            for co in case.officers.filter(recused_on__isnull=True).select_related("officer")]


def _bureau_officers(case: Case) -> list[tuple[str, str]]:
    on_case = case.officers.values("officer_id")
    return [("", "（不调入）")] + [(str(o.pk), f"{o.name}（{o.certificate_number or '无执法证'}）")
                                  for o in Officer.objects.filter(bureau=case.bureau, active=True).exclude(pk__in=on_case)]


def _hosts(case: Case) -> list[tuple[str, str]]:
    from yibao.org.models import UserProfile

    on_case = case.officers.filter(recused_on__isnull=True).values("officer__user_id")
    rows = UserProfile.objects.filter(role="legal_reviewer", bureau=case.bureau).exclude(user_id__in=on_case)
    return [(str(p.user_id), p.user.get_full_name() or p.user.get_username()) for p in rows.select_related("user")]


# Actions whose choices depend on the case: a function of the case giving the fields.
ACTION_FIELDS.update({
    "name_hearing_host": lambda case: [("host", "听证主持人（法制审核机构）", "select", _hosts(case))],
    "notify_hearing": [("hearing_on", "听证日期", "date", None), ("place", "听证地点", "text", None),
                       ("noticed_on", "通知日期（留空为今天）", "date", None)],
    "ask_recusal": lambda case: [("officer", "申请回避的执法人员", "select", _case_officers(case)),
                                 ("asked_by", "申请人", "select", RecusalAskedBy.choices),
                                 ("reason", "申请理由", "textarea", None)],
    "decide_recusal": lambda case: [("granted", "决定回避", "checkbox", None),
                                    ("replacement", "接替的执法人员", "select", _bureau_officers(case)),
                                    ("reason", "决定理由", "textarea", None)],
    "reassign_officer": lambda case: [("remove", "调出", "select", [("", "（不调出）"), *_case_officers(case)]),
                                      ("add", "调入", "select", _bureau_officers(case)),
                                      ("reason", "改派理由", "textarea", None)],
})
