"""Per-bureau screening configuration: enabled rules and parameters, defaults from the spec."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from yibao.core.text import shorten

from .rules import DEFAULT_PARAMETERS, RULES


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is Chinese."""


NOT_A_MAPPING = "配置文件格式不正确，应为 rules: {R09: {enabled: false}} 和 parameters: {readmit_days: 10} 形式的映射"


@dataclass
class ScreeningConfig:
    enabled: list[str] = field(default_factory=lambda: list(RULES))
    parameters: dict = field(default_factory=lambda: dict(DEFAULT_PARAMETERS))
    source: str | None = None

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "parameters": self.parameters, "source": self.source}


def _check(parameters: dict, where: str) -> None:
    for name in ("readmit_days", "overlap_days", "min_settlements"):
        value = parameters[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where}：参数 {name} 应为非负整数，实际为 {shorten(repr(value))}")
    for name in ("inpatient_med_types", "readmit_exclude_diag"):
        value = parameters[name]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where}：参数 {name} 应为非空文本的列表，实际为 {shorten(repr(value))}")


def load_config(path: Path | None = None) -> ScreeningConfig:
    """Read a YAML configuration: `rules: {R09: {enabled: false}}` and `parameters: {readmit_days: 10}`."""
    config = ScreeningConfig()
    if path is None:
        return config
    # The messages never quote a file that is not a configuration: a wrong file (a key, a log) named in
    # the form must not have its lines shown back; only where it broke (line, column) is said.
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"无法读取配置文件 {path}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark is not None else ""
        raise ConfigError(f"{path}：不是有效的 YAML 配置文件{where}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}：{NOT_A_MAPPING}")
    unknown = set(data) - {"rules", "parameters", "bureau"}
    if unknown:
        raise ConfigError(f"{path}：有 {len(unknown)} 个未知的配置项（只能有 rules、parameters、bureau）")
    for rule_id, settings in (data.get("rules") or {}).items():
        if rule_id not in RULES:
            raise ConfigError(f"{path}：未知的规则 {shorten(rule_id)}")
        if not (settings or {}).get("enabled", True):
            config.enabled.remove(rule_id)
    for name, value in (data.get("parameters") or {}).items():
        if name not in DEFAULT_PARAMETERS:
            raise ConfigError(f"{path}：未知的参数 {shorten(name)}")
        config.parameters[name] = value
    _check(config.parameters, str(path))
    config.source = str(path)
    return config
