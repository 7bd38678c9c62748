"""Prepare the demo database: bureaus of the seed documents, each with its staff, the seeds imported,
and a generated claims extract of the demo bureau's own county screened once."""

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
    # Its staff log in as <slug>.head, <slug>.officer1 …; the demo bureau's own are the README's.
    slug: str = ""

    @property
    def region_name(self) -> str:
        """The 行政区划 the bureau serves, e.g. 栾川县医疗保障局 → 栾川县."""
        return self.name.removesuffix("医疗保障局")


DEMO_BUREAUS = (
    DemoBureau("山西省医疗保障局", "province", "140000", slug="shanxi"),
    DemoBureau("阳泉市医疗保障局", "city", "140300", "山西省医疗保障局", slug="yangquan"),
    DemoBureau("阳泉市矿区医疗保障局", "county", "140303", "阳泉市医疗保障局", slug="kuangqu"),
    DemoBureau("宁夏回族自治区医疗保障局", "province", "640000", slug="ningxia"),
    DemoBureau("吴忠市医疗保障局", "city", "640300", "宁夏回族自治区医疗保障局", slug="wuzhong"),
    DemoBureau("红寺堡区医疗保障局", "county", "640303", "吴忠市医疗保障局", slug="hongsibu"),
    DemoBureau("河南省医疗保障局", "province", "410000", slug="henan"),
    DemoBureau("洛阳市医疗保障局", "city", "410300", "河南省医疗保障局", slug="luoyang"),
    DemoBureau("栾川县医疗保障局", "county", "410324", "洛阳市医疗保障局", slug="luanchuan"),
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
# The towns of 栾川县, which its generated institutions are named after (栾川县潭头镇卫生院 …).
DEMO_PLACES = ("城关", "赤土店", "合峪", "潭头", "三川", "冷水", "陶湾", "石庙", "庙子", "狮子庙", "白土", "叫河",
               "秋扒")
# Names of the other bureaus' staff: a surname and a given name, picked by bureau and role.
DEMO_SURNAMES = "王李刘陈杨黄吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
DEMO_GIVEN_NAMES = ("建华", "秀英", "志刚", "丽娟", "国强", "海燕", "文斌", "红梅", "永平", "晓燕", "俊杰", "玉兰",
                    "振东", "淑珍", "立新", "春燕", "德明", "桂芳", "学军", "静怡", "宏伟", "慧敏", "长青", "雪梅")


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
    users = []
    for i, b in enumerate(DEMO_BUREAUS):
        bureau = Bureau.objects.get(name=b.name)
        if b.name == DEMO_USERS_BUREAU:
            users = ensure_demo_users(bureau)
        else:
            ensure_demo_users(bureau, username_prefix=f"{b.slug}.", full_names=demo_staff_names(i))
    demo = next(b for b in DEMO_BUREAUS if b.name == DEMO_USERS_BUREAU)
    lines.append(_demo_screening(Bureau.objects.get(name=demo.name), demo))
    names = "、".join(u.username for u in users)
    others = "、".join(f"{b.slug}.head" for b in DEMO_BUREAUS if b.name != DEMO_USERS_BUREAU)
    return ("示例数据已就绪：\n" + "\n".join(lines) + f"\n演示账号（密码 yibao-demo）：{names}"
            f"\n其他单位的演示账号：单位简称加 .head、.officer1、.officer2、.reviewer、.auditor、.analyst，如 {others}")


def demo_staff_names(index: int) -> dict[str, str]:
    """The full names of the demo staff of the index-th demo bureau, by plain username (ensure_demo_users)."""
    from yibao.org.constants import DEMO_USERS

    names = {}
    for k, (username, *_rest) in enumerate(DEMO_USERS):
        surname = DEMO_SURNAMES[(index * 7 + k * 5) % len(DEMO_SURNAMES)]
        names[username] = surname + DEMO_GIVEN_NAMES[(index * 5 + k * 7) % len(DEMO_GIVEN_NAMES)]
    return names


def _demo_screening(bureau, demo: DemoBureau) -> str:
    """Generate the demo claims extract of the bureau's own county once and screen it once for the bureau."""
    from yibao.monitoring.engine.generator import Region, generate_dataset
    from yibao.monitoring.models import ScreeningRun
    from yibao.monitoring.services import do_run_screening

    # Named by region: an extract of an older demo (of Guangzhou) is not taken for this one.
    dataset = Path(settings.VAR_DIR) / f"demo-dataset-{demo.code}"
    if not (dataset / "fee_list_d").exists() and not (dataset / "fee_list_d.parquet").exists():
        region = Region.of(demo.code, demo.region_name, places=DEMO_PLACES)
        generate_dataset(dataset, lines=DEMO_DATASET_LINES, seed=DEMO_DATASET_SEED, region=region,
                         list_every_institution=True)
    run = ScreeningRun.objects.filter(bureau=bureau, status="succeeded", dataset_path=str(dataset)).order_by(
        "-pk").first()
    if run is None:
        run = do_run_screening(bureau, dataset, actor=None, raise_on_error=True)
        return f"  智能监控：已筛查示例数据（{DEMO_DATASET_LINES} 行费用明细），疑点 {run.finding_count} 条"
    return f"  智能监控：已有筛查批次，疑点 {run.finding_count} 条"
