"""The rules of spec section 3: names, severities, bases, key columns and what each needs."""

from dataclasses import dataclass

BASIS_LAW = "医疗保障基金使用监督管理条例"
KEY_COLUMNS = ("fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "med_list_codg", "day", "month")
FINDING_COLUMNS = ("rule_id", "rule_name", "severity", *KEY_COLUMNS, "amount", "basis", "evidence")

LINE_KEYS = ("fixmedins_code", "psn_no", "setl_id", "feedetl_sn", "med_list_codg")
SETTLEMENT_KEYS = ("fixmedins_code", "psn_no", "setl_id")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str  # violation 明确违规 / suspect 可疑
    basis: str  # as the spec's section 3 writes it, after 条例
    keys: tuple[str, ...]
    needs_tables: tuple[str, ...] = ()
    needs_columns: tuple[tuple[str, str], ...] = ()  # (table, column) of optional columns
    needs_any: tuple[tuple[str, str], ...] = ()  # at least one of these (table, column) or tables ('', table)
    single_settlement: bool = False  # can judge one settlement alone (pre-screen)
    with_history: bool = False  # can judge one settlement with the person's recent history

    @property
    def basis_text(self) -> str:
        """The findings' basis column: the law's name, then the article (spec 5.21)."""
        return BASIS_LAW + self.basis

    @property
    def article_citation(self) -> tuple[int, int | None, int | None]:
        """(article, paragraph, clause) of the basis, for linking to the law library."""
        from yibao.law.citations import parse_article_refs

        refs, _ = parse_article_refs(self.basis)
        assert refs, self.basis
        return refs[0]


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("R01", "限定性别", "violation", "第三十八条第（六）项", LINE_KEYS, ("kb_item", "psn_info"),
             single_settlement=True),
        Rule("R02", "限定年龄", "violation", "第三十八条第（六）项", LINE_KEYS, ("kb_item", "psn_info"),
             single_settlement=True),
        Rule("R03", "限定就医方式", "violation", "第三十八条第（六）项", LINE_KEYS, ("kb_item",), single_settlement=True),
        Rule("R04", "限定机构等级", "violation", "第三十八条第（六）项", LINE_KEYS, ("kb_item",), single_settlement=True),
        Rule("R05", "超标准收费", "violation", "第三十八条第（三）项", LINE_KEYS,
             needs_any=(("", "kb_item"), ("fee_list_d", "pric_uplmt_amt")), single_settlement=True),
        Rule("R06", "重复收费", "violation", "第三十八条第（三）项", LINE_KEYS, ("kb_item_pair",), single_settlement=True),
        Rule("R07", "超频次收费", "violation", "第三十八条第（三）项",
             ("fixmedins_code", "psn_no", "med_list_codg", "day"), ("kb_item",), single_settlement=True),
        Rule("R08", "计日项目超住院天数", "violation", "第三十八条第（三）项",
             ("fixmedins_code", "psn_no", "setl_id", "med_list_codg"), ("kb_item",), single_settlement=True),
        Rule("R09", "分解住院", "suspect", "第三十八条第（一）项", SETTLEMENT_KEYS, with_history=True),
        Rule("R10", "住院期间门诊结算", "suspect", "第三十八条第（一）项（挂床住院）", SETTLEMENT_KEYS, with_history=True),
        Rule("R11", "重叠住院", "suspect", "第四十一条（冒名就医）", SETTLEMENT_KEYS, with_history=True),
        Rule("R12", "死亡后就医", "violation", "第四十条第一款第（三）项", SETTLEMENT_KEYS, ("psn_info",),
             single_settlement=True),
        Rule("R13", "重复开药", "suspect", "第三十八条第（二）项", LINE_KEYS,
             needs_columns=(("fee_list_d", "prd_days"),), with_history=True),
        Rule("R14", "丙类纳入基金", "violation", "第三十八条第（六）项", LINE_KEYS,
             needs_columns=(("fee_list_d", "chrgitm_lv"), ("fee_list_d", "inscp_amt")), single_settlement=True),
        Rule("R15", "进销存不符", "suspect", "第四十条第一款第（三）项", ("fixmedins_code", "med_list_codg"),
             ("kb_purchase",)),
        Rule("R16", "重复参保享受待遇", "suspect", "第四十一条第一款第（二）项", SETTLEMENT_KEYS,
             ("psn_info", "insu_enrol"), with_history=True),
        Rule("R17", "次均费用高水位", "suspect", "第二十五条（确定检查重点）", ("fixmedins_code", "month")),
    )
}

# Parameters and their defaults (spec section 3, brackets). Each names the rule it tunes.
DEFAULT_PARAMETERS: dict[str, object] = {
    "inpatient_med_types": ["21", "52"],
    "readmit_days": 15,
    "readmit_exclude_diag": ["Z51"],
    "overlap_days": 7,
    "min_settlements": 30,
}
