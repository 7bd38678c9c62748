"""Demo document settings: every demo bureau gets an address, a (made-up) payment account and a signer, so
the demo cases' decisions, which print where to pay, can be previewed and issued in `make demo`."""

from __future__ import annotations

from yibao.org.models import Bureau

from .models import DocumentSettings

DEMO_ACCOUNT_NUMBER = "00-0000000000000000（示例账号，请在“文书设置”中改为本局的）"


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
