"""Prepare the demo database: bureaus of the seed documents, demo users, the seeds imported."""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command


@dataclass(frozen=True)
class DemoBureau:
    name: str
    level: str
    code: str
    parent: str | None = None


DEMO_BUREAUS = (
    DemoBureau("山西省医疗保障局", "province", "140000"),
    DemoBureau("阳泉市医疗保障局", "city", "140300", "山西省医疗保障局"),
    DemoBureau("阳泉市矿区医疗保障局", "county", "140303", "阳泉市医疗保障局"),
    DemoBureau("宁夏回族自治区医疗保障局", "province", "640000"),
    DemoBureau("吴忠市医疗保障局", "city", "640300", "宁夏回族自治区医疗保障局"),
    DemoBureau("红寺堡区医疗保障局", "county", "640303", "吴忠市医疗保障局"),
    DemoBureau("河南省医疗保障局", "province", "410000"),
    DemoBureau("洛阳市医疗保障局", "city", "410300", "河南省医疗保障局"),
    DemoBureau("栾川县医疗保障局", "county", "410324", "洛阳市医疗保障局"),
)
# The seeds do not print their dates; these are the dates the demo files them under.
DEMO_CATALOGS = (
    ("000_", "山西省医疗保障局", dt.date(2022, 6, 1)),
    ("001_", "红寺堡区医疗保障局", dt.date(2021, 9, 1)),
    ("002_", "阳泉市矿区医疗保障局", dt.date(2022, 3, 1)),
    ("003_", "栾川县医疗保障局", dt.date(2021, 11, 1)),
)
DEMO_REGULATIONS = ("004_",)
DEMO_USERS_BUREAU = "栾川县医疗保障局"
# A generated claims extract with planted violations of every rule, screened once for the demo bureau.
DEMO_DATASET_LINES = 20_000
DEMO_DATASET_SEED = 2026


def seeds_dir(explicit: Path | None = None) -> Path:
    if explicit:
        return explicit
    if os.environ.get("YIBAO_SEEDS"):
        return Path(os.environ["YIBAO_SEEDS"])
    return Path(settings.BASE_DIR).parent / "shared" / "seeds"


def _seed(directory: Path, prefix: str) -> Path:
    found = sorted(directory.glob(f"{prefix}*.txt"))
    if not found:
        raise FileNotFoundError(f"示例文件缺失：{directory}/{prefix}*.txt")
    return found[0]


def prepare_demo(seeds: Path | None = None) -> str:
    """Migrate, then create what is missing; running it twice changes nothing."""
    from yibao.catalog.parsing import parse_catalog_file
    from yibao.catalog.services import do_import_catalog
    from yibao.law.regulation import parse_regulation_file
    from yibao.law.services import do_import_regulation
    from yibao.org.models import Bureau
    from yibao.org.services import do_create_bureau, ensure_demo_users

    call_command("migrate", interactive=False, verbosity=0)
    directory = seeds_dir(seeds)
    for b in DEMO_BUREAUS:
        if not Bureau.objects.filter(name=b.name).exists():
            parent = Bureau.objects.get(name=b.parent) if b.parent else None
            do_create_bureau(b.name, level=b.level, code=b.code, parent=parent, actor=None)
    lines = []
    for prefix, bureau, date in DEMO_CATALOGS:
        result = do_import_catalog(parse_catalog_file(_seed(directory, prefix)), bureau_name=bureau, date=date)
        lines.append(f"  {result.catalog.title}：{result.catalog.item_count} 项"
                     + ("" if result.created else "（已存在）"))
    for prefix in DEMO_REGULATIONS:
        path = _seed(directory, prefix)
        law = do_import_regulation(parse_regulation_file(path), source_file=path.name)
        lines.append(f"  《{law.name}》：{law.articles.count()} 条")
    demo_bureau = Bureau.objects.get(name=DEMO_USERS_BUREAU)
    users = ensure_demo_users(demo_bureau)
    lines.append(_demo_screening(demo_bureau))
    names = "、".join(u.username for u in users)
    return "示例数据已就绪：\n" + "\n".join(lines) + f"\n演示账号（密码 yibao-demo）：{names}"


def _demo_screening(bureau) -> str:
    """Generate the demo claims extract once and screen it once for the demo bureau."""
    from yibao.monitoring.engine.generator import generate_dataset
    from yibao.monitoring.models import ScreeningRun
    from yibao.monitoring.services import do_run_screening

    dataset = Path(settings.VAR_DIR) / "demo-dataset"
    if not (dataset / "fee_list_d").exists() and not (dataset / "fee_list_d.parquet").exists():
        generate_dataset(dataset, lines=DEMO_DATASET_LINES, seed=DEMO_DATASET_SEED)
    run = ScreeningRun.objects.filter(bureau=bureau, status="succeeded").order_by("-pk").first()
    if run is None:
        run = do_run_screening(bureau, dataset, actor=None, raise_on_error=True)
        return f"  智能监控：已筛查示例数据（{DEMO_DATASET_LINES} 行费用明细），疑点 {run.finding_count} 条"
    return f"  智能监控：已有筛查批次，疑点 {run.finding_count} 条"
