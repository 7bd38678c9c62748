"""Demo documents: every demo bureau gets an address, a (made-up) payment account and a signer, so the demo
cases' decisions, which print where to pay, can be previewed and issued in `make demo`; the closed demo case
gets its penalty decision issued by the head, so a verification code and a case file can be tried at once.
The decision's PDF is made by the worker `yibao demo` starts."""

from __future__ import annotations

from yibao.org.models import Bureau

from .models import Document, DocumentSettings

DEMO_ACCOUNT_NUMBER = "00-0000000000000000（示例账号，请在“文书设置”中改为本局的）"
DEMO_ISSUED_KIND = "penalty_decision"


def demo_document_settings() -> str:
    made = 0
    for bureau in Bureau.objects.all():
        _, created = DocumentSettings.objects.get_or_create(bureau=bureau, defaults={
            "full_name": bureau.name, "address": f"{bureau.name}（示例地址）", "contact": "0000-00000000（示例）",
            "payment_account_name": f"{bureau.name.removesuffix('医疗保障局')}财政局非税收入专户（示例）",
            "payment_bank": "示例银行", "payment_account_number": DEMO_ACCOUNT_NUMBER,
            "payment_instructions": "缴款时请注明决定书文号。", "signer_name": "（示例签发人）"})
        made += created
    return f"  执法文书：{made} 个单位的示例文书设置（缴款账户为示例，请在“文书设置”中修改）" if made else \
        "  执法文书：示例文书设置已存在"


def demo_documents(bureau: Bureau) -> str:
    """The settings, and the closed demo case's penalty decision issued once (its PDF by the worker)."""
    from django.contrib.auth import get_user_model

    from yibao.cases.models import Case
    from yibao.cases.procedure import CaseState, Refusal

    from .services import do_issue_document

    lines = [demo_document_settings()]
    case = Case.objects.filter(bureau=bureau, state=CaseState.CLOSED, decided_fine__isnull=False).order_by("id").first()
    head = get_user_model().objects.filter(username="head").first()
    if case is None or head is None or Document.objects.filter(case=case, kind=DEMO_ISSUED_KIND).exists():
        return lines[0]
    try:
        doc = do_issue_document(case, DEMO_ISSUED_KIND, actor=head)
    except Refusal as refused:
        lines.append(f"  执法文书：未签发示例决定书（{refused.message}）")
    else:
        lines.append(f"  执法文书：{case.number} 已签发 {doc.label} {doc.number}，核验码 {doc.verification_code}")
    return "\n".join(lines)
