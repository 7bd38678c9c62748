"""Prepare the demo database: bureaus of the seed documents, each with its staff, the seeds imported,
and a generated claims extract of the demo bureau's own county screened once."""

import datetime as dt
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
    return explicit or Path(settings.YIBAO_SEEDS)


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
    from yibao.org.constants import DEMO_PASSWORD
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
    lines.append(_demo_cases(Bureau.objects.get(name=demo.name)))
    from yibao.coercion.demo import demo_seals

    lines.append(demo_seals(Bureau.objects.get(name=demo.name)))
    from yibao.documents.demo import demo_documents

    lines.append(demo_documents(Bureau.objects.get(name=demo.name)))
    from yibao.cases.alerts import refresh_alerts

    # The daily check runs at 06:00; the demo shows its alerts at once.
    alerts = refresh_alerts()
    lines.append(f"期限提醒：{alerts['open']} 项期限临近或逾期，其中 {alerts['overdue']} 项已逾期")
    names = "、".join(u.username for u in users)
    others = "、".join(f"{b.slug}.head" for b in DEMO_BUREAUS if b.name != DEMO_USERS_BUREAU)
    return ("示例数据已就绪：\n" + "\n".join(lines) + f"\n演示账号（密码 {DEMO_PASSWORD}）：{names}"
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


# Demo cases of the demo county, one or more in every state, walked through the case services by the
# README's users. Each is (title, party, hearing right, steps); a step is (days before today, action).
# Started in the past so that some deadlines are near (调查中 with a few days left) or past (overdue).
DemoStep = tuple[int, str]
DEMO_CASES: tuple[tuple[str, str, bool, tuple[DemoStep, ...]], ...] = (
    ("栾川县城关镇康宁诊所串换药品案", "栾川县城关镇康宁诊所", False, ((2, "propose"),)),
    ("栾川县赤土店镇卫生院虚记诊疗项目案", "栾川县赤土店镇卫生院", False, ((20, "propose"), (18, "reject"))),
    ("栾川县合峪镇惠民大药房串换药品案", "栾川县合峪镇惠民大药房", False, ((12, "propose"), (10, "approve"))),
    ("栾川县潭头镇卫生院分解住院案", "栾川县潭头镇卫生院", False,
     ((87, "propose"), (86, "approve"), (80, "investigate"))),
    ("栾川县三川镇仁和诊所挂床住院案", "栾川县三川镇仁和诊所", False,
     ((96, "propose"), (95, "approve"), (90, "investigate"))),
    ("栾川县冷水镇卫生院超标准收费案", "栾川县冷水镇卫生院", False,
     ((60, "propose"), (59, "approve"), (55, "investigate"), (5, "report"))),
    ("栾川县陶湾镇济民药店盗刷医保卡案", "栾川县陶湾镇济民药店", True,
     ((70, "propose"), (69, "approve"), (65, "investigate"), (20, "report"), (12, "review"), (10, "proposal"),
      (2, "notify"))),
    ("栾川县石庙镇卫生院虚构医药服务案", "栾川县石庙镇卫生院", True,
     ((80, "propose"), (79, "approve"), (75, "investigate"), (40, "report"), (30, "review"), (25, "proposal"),
      (20, "notify"), (18, "hearing"), (17, "host"), (15, "schedule"))),
    ("栾川县庙子镇百姓大药房串换药品案", "栾川县庙子镇百姓大药房", False,
     ((85, "propose"), (84, "approve"), (80, "investigate"), (50, "report"), (40, "review"), (38, "proposal"),
      (30, "notify"), (28, "statements"), (12, "decide"))),
    ("栾川县狮子庙镇卫生院重复收费案", "栾川县狮子庙镇卫生院", False,
     ((80, "propose"), (79, "approve"), (75, "investigate"), (45, "report"), (35, "review"), (33, "proposal"),
      (25, "notify"), (23, "statements"), (10, "decide"), (4, "serve"))),
    ("栾川县白土镇康复医院虚记耗材案", "栾川县白土镇康复医院", False,
     ((110, "propose"), (109, "approve"), (105, "investigate"), (75, "report"), (65, "review"), (63, "proposal"),
      (55, "notify"), (53, "statements"), (40, "decide"), (35, "serve"), (15, "enforce"))),
    ("栾川县叫河镇卫生院过度诊疗案", "栾川县叫河镇卫生院", False,
     ((150, "propose"), (149, "approve"), (145, "investigate"), (120, "report"), (110, "review"),
      (108, "proposal"), (100, "notify"), (98, "statements"), (90, "decide"), (85, "serve"), (80, "enforce"),
      (70, "pay"), (67, "closing_report"), (65, "close"))),
    ("栾川县秋扒乡卫生院串换项目案", "栾川县秋扒乡卫生院", False,
     ((40, "propose"), (39, "approve"), (38, "investigate"), (10, "suspend"))),
    ("栾川县城关镇益寿堂药店虚开票据案", "栾川县城关镇益寿堂药店", False,
     ((50, "propose"), (49, "approve"), (48, "investigate"), (20, "terminate"))),
    ("栾川县赤土店镇安康诊所涉嫌诈骗医保基金案", "栾川县赤土店镇安康诊所", False,
     ((30, "propose"), (29, "approve"), (25, "transfer"))),
    ("栾川县旧县镇卫生院重复立案案", "栾川县旧县镇卫生院", False,
     ((15, "propose"), (14, "approve"), (13, "revoke"))),
)
# Leads still to verify (立案岗): (party, summary, days since receipt); the older one is past its period.
DEMO_LEADS = (
    ("栾川县三川镇济康诊所", "举报投诉：冒名就医、虚记药品", 4),
    ("栾川县冷水镇福寿药店", "举报投诉：串换药品、刷卡套现", 25),
)
DEMO_CASE_FINE = 20000
DEMO_CASE_PROVISION = "《医疗保障基金使用监督管理条例》第三十八条第（一）项"


def _finish_investigation(case, officer, *, expected_version: int):
    """End a demo case's investigation with a complete 调查终结报告 resting on one recorded evidence item."""
    from yibao.cases.services.evidence import EvidenceInput, do_add_evidence
    from yibao.cases.services.facts import today
    from yibao.cases.services.report import ReportInput, do_finish_investigation

    item = do_add_evidence(case, EvidenceInput(
        kind="physical", title="示例：串换药品的包装盒", source=case.parties.first().name, collected_by=officer.officer.pk,
        collected_on=today(), place="当事人经营场所", quantity=1), [], actor=officer)
    report = ReportInput(
        source="示例：智能监控线索，经负责人批准立案", process="示例：调取收费明细，现场检查，询问法定代表人",
        facts="示例：违法事实清楚，证据确凿。", evidence=[item.number], proposal="penalty", measures="罚款",
        fine=DEMO_CASE_FINE, nature="示例：串换药品，造成医疗保障基金损失", discretion="示例：无从轻、从重情节")
    return do_finish_investigation(case, actor=officer, expected_version=expected_version, report=report)


def _demo_cases(bureau) -> str:
    """File and walk the demo cases once (a second run finds them and adds none)."""
    from contextlib import contextmanager
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yibao.cases import services as s
    from yibao.cases.models import Case
    from yibao.cases.services.hearing import do_name_hearing_host, do_schedule_hearing

    titles = [c[0] for c in DEMO_CASES]
    if Case.objects.filter(bureau=bureau, title__in=titles).exists():
        return f"  执法办案：已有示例案件 {Case.objects.filter(bureau=bureau).count()} 件"
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["officer1", "officer2", "reviewer", "head"])}
    officer1, head = users["officer1"], users["head"]
    real_today = timezone.localdate()

    @contextmanager
    def on(days_ago: int):
        # The services date every act by today (facts.today); the demo acts on past days so that its
        # deadlines are already running, some near and some past.
        day = real_today - dt.timedelta(days=days_ago)
        with mock.patch.object(timezone, "localdate", lambda *a, **k: day):
            yield day

    def act(case, action: str, hearing_right: bool):
        kw = {"expected_version": case.version}
        reason = "示例：" + {"reject": "证据不足，不予立案", "suspend": "等待司法鉴定意见",
                            "terminate": "当事人已注销", "transfer": "涉嫌犯罪，移送公安机关",
                            "revoke": "与已立案案件系同一违法行为，撤销立案"}.get(action, "")
        steps = {
            "approve": lambda: s.do_approve_filing(case, actor=head, **kw),
            "reject": lambda: s.do_reject_filing(case, actor=head, reason=reason, **kw),
            "investigate": lambda: s.do_start_investigation(case, actor=officer1, **kw),
            "report": lambda: _finish_investigation(case, officer1, **kw),
            "review": lambda: s.do_complete_review(case, actor=users["reviewer"], opinion="agree", **kw),
            "proposal": lambda: s.do_approve_proposal(case, actor=head, fine=DEMO_CASE_FINE,
                                                      hearing_right=hearing_right, **kw),
            "notify": lambda: s.do_notify(case, actor=officer1, **kw),
            "statements": lambda: s.do_close_statements(case, actor=officer1, text="示例：当事人放弃陈述、申辩。", **kw),
            "hearing": lambda: s.do_request_hearing(case, actor=officer1, **kw),
            "host": lambda: do_name_hearing_host(case, users["reviewer"], actor=head, **kw),
            # Scheduled but not yet notified: the board shows the notice's last day, near or past.
            "schedule": lambda: do_schedule_hearing(
                case, actor=users["reviewer"], hearing_on=timezone.localdate() + dt.timedelta(days=24),
                hearing_time="09:30", place="本局三楼听证室", **kw),
            "decide": lambda: s.do_decide(case, actor=head, decision_kind="penalty", fine=DEMO_CASE_FINE, **kw),
            "serve": lambda: s.do_serve(case, actor=officer1, method="direct", signed_by="当事人本人", **kw),
            "enforce": lambda: s.do_start_enforcement(case, actor=officer1, **kw),
            "pay": lambda: s.do_record_payment(case, actor=officer1, reference="示例缴款凭证", **kw),
            "closing_report": lambda: s.do_draft_closing_report(
                case, actor=officer1, ground="executed", handling_summary="示例：立案调查、法制审核、告知、决定、送达均已完成。",
                execution_summary="示例：罚款已缴清。", **kw),
            "close": lambda: s.do_close(case, actor=head, reason="示例：同意结案", **kw),
            "revoke": lambda: s.do_take_step(case, "revoke_filing", actor=head, reason=reason, **kw),
        }
        if action in ("suspend", "terminate", "transfer"):
            return s.do_take_step(case, action, actor=head, reason=reason, **kw)
        return steps[action]()

    from yibao.cases.services.leads import do_register_lead

    for party, summary, days_ago in DEMO_LEADS:
        do_register_lead(bureau, source="complaint", party_type="institution", party_name=party, summary=summary,
                         received_date=real_today - dt.timedelta(days=days_ago), actor=officer1)
    officers = [users["officer1"].officer, users["officer2"].officer]
    for i, (title, party, hearing_right, steps) in enumerate(DEMO_CASES, start=1):
        (first, _), *rest = steps
        # What a decision must state of the party (行政处罚法 第五十九条): its code and address (made up).
        who = s.PartyInput("institution", party, credit_code=f"52{bureau.code}MJY{i:06d}X",
                           address=f"{bureau.name.removesuffix('医疗保障局')}{party[3:6]}（示例地址）",
                           legal_representative="（示例）")
        with on(first) as day:
            case = s.do_file_case(s.FilingInput(
                title=title, bureau=bureau, parties=[who],
                officers=officers, act_end_on=day - dt.timedelta(days=60), provisions=[DEMO_CASE_PROVISION],
                amount=DEMO_CASE_FINE), actor=officer1)
        for days_ago, action in rest:
            with on(days_ago):
                case = act(case, action, hearing_right)
    from yibao.cases.demo_investigation import add_demo_investigation

    add_demo_investigation(bureau, officer=officer1, head=head, on=on)
    return (f"  执法办案：示例案件 {len(DEMO_CASES)} 件（各状态均有，部分期限临近或已过），"
            f"待核查线索 {len(DEMO_LEADS)} 条")
