"""Run the enabled rules over a dataset on one engine and write the findings."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .backends import Backend, make_backend
from .config import ScreeningConfig
from .dataset import Dataset, Loader
from .finalize import rows_to_findings, sort_key, write_findings
from .outliers import r17_findings
from .ranks import institution_rank_sql
from .rules import RULES, Rule

log = logging.getLogger(__name__)
SQL_DIR = Path(__file__).with_name("sql")

SKIP_REASONS = {
    "table": "缺少可选表 {0}",
    "column": "缺少可选列 {0}.{1}",
    "any": "缺少 {0}",
}


@dataclass
class ScreeningResult:
    findings: list[dict]
    by_rule: dict[str, int]
    skipped: dict[str, str]
    seconds: float
    engine: str
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        return {"findings": len(self.findings), "by_rule": self.by_rule, "skipped": self.skipped,
                "seconds": round(self.seconds, 3), "engine": self.engine, "warnings": self.warnings}


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def skip_reason(rule: Rule, dataset: Dataset) -> str | None:
    """Return why a rule cannot run on this dataset (spec 5.20), or None."""
    for table in rule.needs_tables:
        if not dataset.has(table):
            return SKIP_REASONS["table"].format(table)
    for table, column in rule.needs_columns:
        if not dataset.has(table, column):
            return SKIP_REASONS["column"].format(table, column)
    if rule.needs_any and not any(dataset.has(t or c, c if t else None) for t, c in rule.needs_any):
        options = " 或 ".join(c if not t else f"{t}.{c}" for t, c in rule.needs_any)
        return SKIP_REASONS["any"].format(options)
    return None


def render(sql: str, rule_id: str, dataset: Dataset, config: ScreeningConfig) -> str:
    p = config.parameters
    values = {
        "inpatient_med_types": _sql_list(p["inpatient_med_types"]),
        "readmit_days": int(p["readmit_days"]),
        "overlap_days": int(p["overlap_days"]),
        "diag_excluded": " OR ".join(f"starts_with(COALESCE(b.diag, ''), {_sql_list([d])})"
                                     for d in p["readmit_exclude_diag"]) or "FALSE",
        "valid_settlement": "s.vali_flag = '1'" if dataset.has("setl_d", "vali_flag") else "TRUE",
        "valid_line": "NOT EXISTS (SELECT 1 FROM t_invalid_setl i WHERE i.setl_id = f.setl_id)"
        if dataset.has("setl_d", "vali_flag") else "TRUE",
        "fixmedins_table": "fixmedins" if dataset.has("fixmedins") else
        "(SELECT CAST(NULL AS VARCHAR) AS fixmedins_code, CAST(NULL AS VARCHAR) AS fixmedins_type, "
        "CAST(NULL AS VARCHAR) AS hosp_lv WHERE FALSE)",
        "institution_rank": institution_rank_sql(),
    }
    if rule_id == "R05":
        has_kb = dataset.has("kb_item")
        has_line = dataset.has("fee_list_d", "pric_uplmt_amt")
        kb, line = "k.pric_uplmt_amt", "f.pric_uplmt_amt"
        if has_kb and has_line:
            values["ceiling_expr"] = f"COALESCE({kb}, {line})"
            values["ceiling_source_expr"] = f"CASE WHEN {kb} IS NOT NULL THEN 'kb_item' ELSE 'line' END"
        elif has_kb:
            values["ceiling_expr"], values["ceiling_source_expr"] = kb, "'kb_item'"
        else:
            values["ceiling_expr"], values["ceiling_source_expr"] = line, "'line'"
        values["kb_join"] = "LEFT JOIN kb_item k ON f.med_list_codg = k.med_list_codg" if has_kb else ""
    return sql.format(**values)


def prepare(backend: Backend, dataset_dir: Path, config: ScreeningConfig) -> Dataset:
    dataset = Loader(backend, dataset_dir).load()
    for kind, name, select in prelude_statements((SQL_DIR / "_prelude.sql").read_text(encoding="utf-8")):
        # A TABLE is computed once and kept (in memory, spilling if need be) for the rules that read it.
        create = backend.create_table if kind == "TABLE" else backend.create_view
        create(name, render(select, "", dataset, config))
    return dataset


def prelude_statements(sql: str) -> list[tuple[str, str, str]]:
    """(TABLE or VIEW, name, query as written) of each ``CREATE … name AS query;`` of a prelude.

    sqlglot's tokenizer finds where statements end, so a ';' in a comment or a string cannot cut one;
    the query is passed on as written (with its {placeholders}), not as sqlglot would print it.
    """
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.tokens import TokenType

    statements: list[tuple[str, str, str]] = []
    current: list = []
    for token in [*Dialect.get_or_raise("duckdb").tokenize(sql), None]:
        if token is not None and token.token_type != TokenType.SEMICOLON:
            current.append(token)
            continue
        if current:
            kinds = [t.token_type for t in current[:4]]
            if len(current) < 5 or kinds[0] != TokenType.CREATE or kinds[1] not in (TokenType.TABLE, TokenType.VIEW) \
                    or kinds[3] != TokenType.ALIAS:
                raise ValueError(f"the prelude holds only CREATE TABLE|VIEW name AS query, not: {sql[current[0].start:current[-1].end + 1]!r}")
            statements.append((current[1].text.upper(), current[2].text, sql[current[4].start:current[-1].end + 1]))
        current = []
    return statements


def screen(
    dataset_dir: Path,
    *,
    engine: str = "duckdb",
    config: ScreeningConfig | None = None,
    out_dir: Path | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    backend: Backend | None = None,
    engine_options: dict | None = None,
) -> ScreeningResult:
    """Screen a dataset folder; write findings to out_dir when given."""
    config = config or ScreeningConfig()
    started = time.monotonic()
    own = backend is None
    backend = backend or make_backend(engine, **(engine_options or {}))
    try:
        dataset = prepare(backend, Path(dataset_dir), config)
        findings: list[dict] = []
        by_rule: dict[str, int] = {}
        skipped: dict[str, str] = {}
        enabled = [r for r in RULES if r in config.enabled]
        for i, rule_id in enumerate(enabled, start=1):
            if progress:
                progress(rule_id, i, len(enabled))
            reason = skip_reason(RULES[rule_id], dataset)
            if reason:
                skipped[rule_id] = reason
                continue
            sql = render((SQL_DIR / f"{rule_id}.sql").read_text(encoding="utf-8"), rule_id, dataset, config)
            table = backend.query(sql)
            if rule_id == "R17":
                rows = r17_findings(table, int(config.parameters["min_settlements"]))
            else:
                rows = rows_to_findings(rule_id, table)
            by_rule[rule_id] = len(rows)
            findings += rows
            log.info("rule %s: %d findings", rule_id, len(rows))
        for rule_id in RULES:
            if rule_id not in config.enabled:
                skipped[rule_id] = "配置中已停用"
        findings.sort(key=sort_key)
        warnings = []
        if "R16" in by_rule and dataset.has("psn_info"):
            masked = backend.query("SELECT COUNT(*) AS n FROM psn_info WHERE certno LIKE '%*%'").column("n")[0].as_py()
            if masked:
                warnings.append(f"有{masked}人的身份证号为脱敏值，R16 的疑点需用完整号码核实")
        result = ScreeningResult(findings, by_rule, dict(sorted(skipped.items())), time.monotonic() - started,
                                 backend.name, warnings)
        if out_dir is not None:
            write_findings(findings, Path(out_dir))
        return result
    finally:
        if own:
            backend.close()
