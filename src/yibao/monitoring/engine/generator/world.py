"""The world the background is drawn from: the calendar, visit settings, demographic classes,
the item catalogue with its limits, and the institutions with their ranks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from .region import GUANGZHOU, Region

EPOCH = date(1970, 1, 1)
START = date(2024, 1, 1)
DAY0 = (START - EPOCH).days  # day number of 2024-01-01
NDAYS = 731  # 2024-01-01 .. 2025-12-31
SECS = 86_400
H = 3_600

# Settings of a visit: which items may be billed and how.
OTP, PHARM, IPT, MAT_OTP, MAT_IPT = range(5)
INPATIENT_SETTINGS = (IPT, MAT_IPT)
# Demographic classes: items limited by age or gender go only to the class that satisfies them.
CHILD, ADULT_M, ADULT_F, OTHER = range(4)
CHILD_BORN_FROM = (date(2012, 1, 1) - EPOCH).days  # at most 13 on 2025-12-31: child items max 14
ADULT_BORN_UNTIL = (date(2005, 12, 31) - EPOCH).days  # at least 18 on 2024-01-01: adult items min 18
BRDY0 = (date(1925, 1, 1) - EPOCH).days


HOSP_KIND = {3: ["人民医院", "中心医院", "中医医院", "妇幼保健院"], 2: ["医院", "中医院", "第二人民医院"],
             1: ["社区卫生服务中心", "镇卫生院"], 0: ["门诊部", "诊所"]}
HOSP_LV = {3: ["01", "02", "03", "04"], 2: ["05", "06", "07"], 1: ["08", "09", "10"], 0: ["11", None]}

DIAG_OTP = ["J06.900", "J20.900", "I10.x00", "E11.900", "K29.700", "M54.500", "J02.900", "K59.000", "R51.x00",
            "L30.900", "H10.900", "N39.000"]
DIAG_CHILD = ["J06.900", "J20.900", "A09.900", "J18.900", "K59.000"]
DIAG_CHRONIC = ["I10.x00", "E11.900", "I25.100", "N18.900", "J44.900", "I50.900"]
DIAG_IPT = ["J18.900", "I63.900", "I21.900", "K80.100", "K35.800", "S72.000", "C34.900", "C16.900", "N20.000",
            "J44.100", "I50.900", "E11.900", "Z51.102", "Z51.103"]
DIAG_MAT_OTP = ["Z34.900", "Z34.001"]
DIAG_MAT_IPT = ["O80.000", "O82.000", "O80.001"]


# Item kinds: how the quantity of a line is drawn.
K_DRUG, K_HERB, K_SERVICE, K_MATERIAL, K_PERDAY, K_SINGLE = range(6)
ALL_CLASSES = 0b1111


@dataclass
class _Group:
    list_type: str
    chrgitm: str  # med_chrgitm_type
    kind: int
    count: int
    names: list[str]
    forms: list[str]
    price: tuple[float, float]  # lognormal median and sigma, yuan per unit
    weights: dict[int, float]  # setting -> weight of the group in that setting's pool
    classes: int = ALL_CLASSES
    kb: dict[str, Any] = field(default_factory=dict)  # limits every item of the group carries
    kb_share: float = 0.88  # share of unlimited items listed in kb_item
    lv: tuple[float, float, float] = (0.45, 0.45, 0.10)


DRUGS = ["阿莫西林", "头孢克肟", "头孢呋辛", "左氧氟沙星", "阿奇霉素", "布洛芬", "对乙酰氨基酚", "二甲双胍", "阿卡波糖",
         "格列美脲", "氨氯地平", "硝苯地平", "缬沙坦", "厄贝沙坦", "阿托伐他汀", "瑞舒伐他汀", "阿司匹林", "氯吡格雷",
         "奥美拉唑", "雷贝拉唑", "泮托拉唑", "蒙脱石", "氨溴索", "孟鲁司特", "氯雷他定", "西替利嗪", "甲钴胺", "甲硝唑",
         "泼尼松", "维生素C", "奥司他韦", "双氯芬酸", "塞来昔布", "美托洛尔", "比索洛尔", "坎地沙坦", "非布司他", "别嘌醇"]
INJECTIONS = ["注射用头孢曲松钠", "注射用头孢他啶", "氯化钠注射液", "葡萄糖注射液", "注射用奥美拉唑钠", "地塞米松磷酸钠注射液",
              "注射用哌拉西林他唑巴坦", "低分子肝素钠注射液", "胰岛素注射液", "注射用美罗培南", "丹参注射液", "氨溴索注射液"]
PATENT = ["连花清瘟胶囊", "板蓝根颗粒", "复方丹参滴丸", "六味地黄丸", "藿香正气水", "银黄颗粒", "双黄连口服液", "血塞通片",
          "感冒清热颗粒", "牛黄解毒片", "复方甘草片", "云南白药胶囊", "麝香保心丸", "通心络胶囊", "蒲地蓝消炎口服液"]
HERBS = ["黄芪", "当归", "党参", "白术", "茯苓", "甘草", "川芎", "白芍", "熟地黄", "枸杞子", "金银花", "连翘", "陈皮",
         "法半夏", "丹参", "柴胡", "黄芩", "桂枝", "麦冬", "山药"]
TESTS = ["血细胞分析", "尿液分析", "肝功能检查", "肾功能检查", "血糖测定", "常规心电图检查", "胸部X线摄影", "CT平扫",
         "彩色多普勒超声检查", "磁共振平扫", "C反应蛋白测定", "血脂检查", "糖化血红蛋白测定", "凝血功能检查"]
TREATMENTS = ["静脉输液", "肌肉注射", "换药", "雾化吸入", "针刺", "推拿治疗", "拔罐", "物理治疗", "氧气吸入", "清创缝合术"]
SURGERIES = ["阑尾切除术", "腹腔镜下胆囊切除术", "剖宫产术", "经皮冠状动脉支架置入术", "人工髋关节置换术", "白内障超声乳化术",
             "全身麻醉", "椎管内麻醉", "胃镜下息肉切除术", "腹股沟疝修补术"]
OTP_SERVICES = ["门诊静脉注射", "门诊皮试", "门诊换药", "门诊雾化"]
MATERIALS = ["一次性输液器", "一次性注射器", "医用导尿管", "医用敷料", "可吸收缝线", "吻合器", "人工晶体", "冠状动脉支架",
             "中心静脉导管", "骨科接骨板"]
MATERIALS_OTC = ["医用棉签", "医用口罩", "创可贴", "医用纱布", "体温计", "弹力绷带"]
FORMS = ["片", "胶囊", "颗粒", "缓释片", "分散片", "口服溶液", "干混悬剂", "肠溶片"]
SPECS = ["0.25g×24粒", "10mg×28片", "0.5g×20片", "5mg×7片", "100ml", "10袋", "0.1g×12片", "2g×10袋"]


def _groups() -> list[_Group]:
    o, p, i, mo, mi = OTP, PHARM, IPT, MAT_OTP, MAT_IPT
    return [
        _Group("101", "09", K_DRUG, 360, DRUGS, FORMS, (18.0, 1.0), {o: 3, p: 5, i: 2, mo: 0.5, mi: 1}),
        _Group("101", "09", K_DRUG, 60, INJECTIONS, [""], (25.0, 1.1), {i: 4, mi: 2}, kb={"lmt_med_type": "ipt"}),
        _Group("101", "09", K_DRUG, 60, INJECTIONS, [""], (15.0, 1.0), {i: 3, mi: 1}),
        _Group("101", "09", K_DRUG, 40, ["小儿" + d for d in DRUGS[:12]], FORMS, (15.0, 0.7), {o: 1, p: 0.8, i: 0.5},
               classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("101", "09", K_DRUG, 40, DRUGS[7:], ["缓释片", "片"], (30.0, 0.8), {o: 1, p: 0.8, i: 0.5},
               classes=(1 << ADULT_M) | (1 << ADULT_F), kb={"lmt_age_min": 18}),
        _Group("101", "09", K_DRUG, 20, ["利拉鲁肽", "达格列净", "替格瑞洛", "沙库巴曲缬沙坦"], ["片", "注射液"], (120.0, 0.6),
               {o: 0.6, i: 0.5}, kb={"lmt_hosp_rank": 2}),
        _Group("101", "09", K_DRUG, 20, ["阿替利珠单抗", "曲妥珠单抗", "贝伐珠单抗"], ["注射液"], (2500.0, 0.5),
               {o: 0.3, i: 0.5}, kb={"lmt_hosp_rank": 3}),
        _Group("102", "11", K_DRUG, 160, PATENT, [""], (25.0, 0.7), {o: 1.5, p: 3, i: 1}),
        _Group("102", "11", K_DRUG, 20, ["妇科千金片", "桂枝茯苓胶囊", "乌鸡白凤丸", "益母草颗粒"], [""], (30.0, 0.5),
               {o: 0.5, p: 0.5}, classes=1 << ADULT_F, kb={"lmt_gend": "2"}),
        _Group("102", "11", K_DRUG, 10, ["前列康片", "癃闭舒胶囊", "普乐安片"], [""], (35.0, 0.5), {o: 0.5, p: 0.5},
               classes=1 << ADULT_M, kb={"lmt_gend": "1"}),
        _Group("102", "11", K_DRUG, 20, ["小儿感冒颗粒", "小儿肺热咳喘口服液", "小儿消积止咳口服液"], [""], (20.0, 0.5),
               {o: 0.8, p: 0.6, i: 0.2}, classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("103", "10", K_HERB, 120, HERBS, [""], (0.25, 0.9), {o: 0.8, p: 2, i: 0.5}, lv=(0.3, 0.6, 0.1)),
        _Group("201", "04", K_SERVICE, 120, TESTS, [""], (40.0, 1.1), {o: 3, i: 3, mo: 3, mi: 2}, lv=(0.6, 0.35, 0.05)),
        _Group("201", "05", K_SERVICE, 80, TREATMENTS, [""], (25.0, 0.9), {o: 1, i: 2}, lv=(0.6, 0.35, 0.05)),
        _Group("201", "06", K_SERVICE, 60, SURGERIES, [""], (1800.0, 0.8), {i: 1, mi: 0.3},
               kb={"lmt_med_type": "ipt"}, lv=(0.5, 0.5, 0.0)),
        _Group("201", "05", K_SERVICE, 30, OTP_SERVICES, [""], (8.0, 0.5), {o: 0.8, mo: 1},
               kb={"lmt_med_type": "otp"}, lv=(0.6, 0.4, 0.0)),
        _Group("201", "03", K_SERVICE, 15, ["妇科检查", "阴道镜检查", "宫颈细胞学检查"], [""], (60.0, 0.5), {o: 0.3, i: 0.3},
               classes=1 << ADULT_F, kb={"lmt_gend": "2"}),
        _Group("201", "03", K_SERVICE, 10, ["前列腺按摩", "前列腺特异性抗原测定"], [""], (50.0, 0.5), {o: 0.3, i: 0.3},
               classes=1 << ADULT_M, kb={"lmt_gend": "1"}),
        _Group("201", "03", K_SERVICE, 20, ["正电子发射计算机断层显像", "达芬奇机器人辅助手术", "质子治疗"], [""],
               (3000.0, 0.5), {o: 0.3, i: 0.3}, kb={"lmt_hosp_rank": 3}),
        _Group("201", "05", K_SERVICE, 15, ["小儿推拿", "小儿捏脊", "新生儿听力筛查"], [""], (30.0, 0.4), {o: 0.3},
               classes=1 << CHILD, kb={"lmt_age_max": 14}),
        _Group("301", "08", K_MATERIAL, 100, MATERIALS, [""], (60.0, 1.6), {i: 2.5, mi: 1}, lv=(0.0, 0.8, 0.2)),
        _Group("301", "08", K_MATERIAL, 40, MATERIALS_OTC, [""], (6.0, 0.8), {o: 0.5, p: 1, i: 0.5}, lv=(0.0, 0.7, 0.3)),
    ]


# Items billed by the visit's structure, not drawn from pools: (role, name, list_type, chrgitm, price, kb limits)
FIXED_ITEMS = [
    ("consult0", "一般诊疗费", "201", "12", 10.0, {"lmt_med_type": "otp", "max_cnt_per_day": 1}),
    ("consult1", "普通门诊诊查费（一级）", "201", "02", 12.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 1}),
    ("consult2", "普通门诊诊查费（二级）", "201", "02", 20.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 2}),
    ("consult3", "普通门诊诊查费（三级）", "201", "02", 30.0,
     {"lmt_med_type": "otp", "max_cnt_per_day": 1, "lmt_hosp_rank": 3}),
    ("bed1", "床位费（一级医院三人间）", "201", "01", 30.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("bed2", "床位费（二级医院三人间）", "201", "01", 45.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("bed3", "床位费（三级医院三人间）", "201", "01", 60.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("nurse", "Ⅱ级护理", "201", "07", 35.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("round", "住院诊查费", "201", "02", 25.0, {"lmt_med_type": "ipt", "per_day_of_stay": True}),
    ("delivery", "单胎顺产接生", "201", "06", 1200.0,
     {"lmt_med_type": "ipt", "lmt_gend": "2", "lmt_age_min": 15, "lmt_age_max": 55}),
    ("prenatal", "产前检查", "201", "03", 45.0,
     {"lmt_med_type": "otp", "lmt_gend": "2", "lmt_age_min": 15, "lmt_age_max": 55}),
]
N_PAIRS = 8
KB_FIELDS = ("pric_uplmt_amt", "lmt_gend", "lmt_age_min", "lmt_age_max", "lmt_med_type", "lmt_hosp_rank",
             "max_cnt_per_day", "per_day_of_stay")


def _code(list_type: str, n: int) -> str:
    """A national-catalogue-looking item code (fixed width per list type)."""
    if list_type == "101":
        return f"XA{n:08d}A001010100001"[:20]
    if list_type == "102":
        return f"ZA{n:08d}B001010100001"[:20]
    if list_type == "103":
        return f"T{n:09d}0000"
    if list_type == "201":
        return f"00{n:09d}0000"
    return f"C{n:011d}0000000"


@dataclass
class _World:
    # items (background catalogue)
    code: list[str]
    name: list[str]
    list_type: list[str]
    chrgitm: list[str]
    lv: list[str]
    kind: np.ndarray
    base4: np.ndarray  # price ceiling in 1/10000 yuan
    in_kb: np.ndarray
    kb: list[dict[str, Any]]
    fixed: dict[str, int]
    pool_items: np.ndarray
    pool_cum: np.ndarray
    pool_start: np.ndarray
    pool_end: np.ndarray
    pairs: list[tuple[str, str, str]]
    # institutions
    inst_code: list[str]
    inst_name: list[str]
    inst_type: list[str]
    inst_lv: list[str | None]
    inst_admdvs: list[str]
    inst_rank: np.ndarray
    hosp: np.ndarray  # indices of hospitals
    hosp_w: np.ndarray
    inpatient: np.ndarray  # indices of hospitals that admit inpatients
    inpatient_w: np.ndarray
    maternity: np.ndarray
    maternity_w: np.ndarray
    pharm: np.ndarray
    region: Region = GUANGZHOU
    cert_regions: list[str] = field(default_factory=lambda: GUANGZHOU.cert_regions)

    @property
    def n_items(self) -> int:
        return len(self.code)

    @property
    def n_inst(self) -> int:
        return len(self.inst_code)


def _build_world(rng: np.random.Generator, lines: int, region: Region = GUANGZHOU) -> _World:
    code: list[str] = []
    name: list[str] = []
    list_type: list[str] = []
    chrgitm: list[str] = []
    lv: list[str] = []
    kind: list[int] = []
    base4: list[int] = []
    in_kb: list[bool] = []
    kb: list[dict[str, Any]] = []
    settings_w: list[dict[int, float]] = []
    classes: list[int] = []
    min_rank: list[int] = []
    seq = {lt: 1 for lt in ("101", "102", "103", "201", "301")}

    def add(lt, nm, ch, kd, price4, limits, listed, level, weights, cls):
        code.append(_code(lt, seq[lt]))
        seq[lt] += 1
        name.append(nm)
        list_type.append(lt)
        chrgitm.append(ch)
        kind.append(kd)
        base4.append(price4)
        lv.append(level)
        in_kb.append(listed)
        kb.append(limits)
        settings_w.append(weights)
        classes.append(cls)
        min_rank.append(int(limits.get("lmt_hosp_rank") or 0))

    for g in _groups():
        zipf = 1.0 / np.arange(1, g.count + 1) ** 0.8
        perm = rng.permutation(g.count)
        prices = np.exp(np.log(g.price[0]) + g.price[1] * rng.standard_normal(g.count))
        levels = rng.choice(["01", "02", "03"], size=g.count, p=list(g.lv))
        listed = (rng.random(g.count) < g.kb_share) | bool(g.kb)
        for j in range(g.count):
            base = g.names[j % len(g.names)]
            form = g.forms[(j // len(g.names)) % len(g.forms)]
            spec = SPECS[j % len(SPECS)] if g.kind == K_DRUG and g.list_type == "101" else ""
            nm = base + form + (f"（{spec}）" if spec else "") + (f" {j // len(g.names) + 1}号" if j >= len(g.names) else "")
            price4 = max(1, int(round(prices[j] * 100)) * 100)  # whole cents
            if g.kind == K_HERB:
                price4 = max(100, int(round(prices[j] * 10000)))
            add(g.list_type, nm, g.chrgitm, g.kind, price4, dict(g.kb), bool(listed[j]), str(levels[j]),
                {s: w * zipf[perm[j]] for s, w in g.weights.items()}, g.classes)
    fixed: dict[str, int] = {}
    for role, nm, lt, ch, price, limits in FIXED_ITEMS:
        fixed[role] = len(code)
        kd = K_PERDAY if limits.get("per_day_of_stay") else K_SINGLE
        add(lt, nm, ch, kd, int(round(price * 10000)), dict(limits), True, "01", {}, ALL_CLASSES)

    n = len(code)
    kind_a = np.array(kind, dtype=np.int8)
    base4_a = np.array(base4, dtype=np.int64)
    # Pools: for each (setting, rank, class) the items allowed there, with cumulative weights.
    items_l: list[np.ndarray] = []
    cum_l: list[np.ndarray] = []
    starts, ends = [], []
    pos = 0
    for ctx in range(5 * 4 * 4):
        s, r, c = ctx // 16, (ctx // 4) % 4, ctx % 4
        idx = [k for k in range(n) if settings_w[k].get(s, 0) > 0 and min_rank[k] <= r and classes[k] >> c & 1
               and not (s == PHARM and min_rank[k] > 0)]
        if not idx:  # contexts that never occur (pharmacies are rank 0) still get a pool
            idx = [k for k in range(n) if settings_w[k].get(s, 0) > 0 and min_rank[k] == 0 and classes[k] == ALL_CLASSES]
        w = np.array([settings_w[k][s] for k in idx])
        cw = np.cumsum(w) / w.sum()
        cw[-1] = 1.0
        items_l.append(np.array(idx, dtype=np.int32))
        cum_l.append(ctx + cw)
        starts.append(pos)
        pos += len(idx)
        ends.append(pos)
    # Background pairs: an inpatient-only main item against an outpatient-only sub item.
    ipt_only = [k for k in range(n) if kb[k].get("lmt_med_type") == "ipt" and kind[k] == K_SERVICE]
    otp_only = [k for k in range(n) if kb[k].get("lmt_med_type") == "otp" and kind[k] == K_SERVICE
                and not kb[k].get("max_cnt_per_day")]
    windows = ("day", "visit", "hour", "6h")
    pairs = [(code[ipt_only[j * 3 % len(ipt_only)]], code[otp_only[j * 2 % len(otp_only)]], windows[j % 4])
             for j in range(N_PAIRS)]

    # Institutions
    n_hosp = max(8, round(math.sqrt(lines) / 20))
    n_pharm = max(8, round(n_hosp * 1.5))
    ranks = np.concatenate([[3, 2, 1, 0, 2, 1], rng.choice([3, 2, 1, 0], size=n_hosp - 6, p=[0.1, 0.25, 0.35, 0.3])])
    inst_code, inst_name, inst_type, inst_lv, inst_admdvs, inst_rank = [], [], [], [], [], []
    size = []
    for j in range(n_hosp):
        r = int(ranks[j])
        d, dname = region.districts[int(rng.integers(len(region.districts)))]
        inst_code.append(f"H{d}{j + 1:05d}")
        kinds = HOSP_KIND[r]
        place = region.places[int(rng.integers(len(region.places)))]
        inst_name.append(f"{region.name}{dname}{place}{kinds[j % len(kinds)]}" if r < 3
                         else f"{region.name}{dname}{kinds[j % len(kinds)]}")
        inst_type.append("1")
        lvs = HOSP_LV[r]
        inst_lv.append(lvs[int(rng.integers(len(lvs)))])
        inst_admdvs.append(d)
        inst_rank.append(r)
        size.append({3: 10.0, 2: 4.0, 1: 1.5, 0: 0.7}[r] * float(np.exp(0.5 * rng.standard_normal())))
    for j in range(n_pharm):
        d, _ = region.districts[int(rng.integers(len(region.districts)))]
        inst_code.append(f"P{d}{j + 1:05d}")
        chain = region.pharmacy_chains[j % len(region.pharmacy_chains)]
        inst_name.append(f"{chain}（{region.places[int(rng.integers(len(region.places)))]}{j + 1}店）")
        inst_type.append("2")
        inst_lv.append(None)
        inst_admdvs.append(d)
        inst_rank.append(0)
        size.append(1.0)
    rank_a = np.array(inst_rank, dtype=np.int64)
    size_a = np.array(size)
    hosp = np.arange(n_hosp)
    inpatient = hosp[rank_a[:n_hosp] >= 1]
    maternity = hosp[rank_a[:n_hosp] >= 2]
    pool_items = np.concatenate(items_l)
    return _World(
        code=code, name=name, list_type=list_type, chrgitm=chrgitm, lv=lv, kind=kind_a, base4=base4_a,
        in_kb=np.array(in_kb), kb=kb, fixed=fixed, pool_items=pool_items, pool_cum=np.concatenate(cum_l),
        pool_start=np.array(starts), pool_end=np.array(ends), pairs=pairs,
        inst_code=inst_code, inst_name=inst_name, inst_type=inst_type, inst_lv=inst_lv, inst_admdvs=inst_admdvs,
        inst_rank=rank_a, hosp=hosp, hosp_w=size_a[:n_hosp] / size_a[:n_hosp].sum(),
        inpatient=inpatient, inpatient_w=size_a[inpatient] / size_a[inpatient].sum(),
        maternity=maternity, maternity_w=size_a[maternity] / size_a[maternity].sum(),
        pharm=np.arange(n_hosp, n_hosp + n_pharm), region=region, cert_regions=region.cert_regions,
    )
