"""Where the generated institutions and insured persons are: ``Region`` (行政区划) and the default, Guangzhou.
"""

from __future__ import annotations

from dataclasses import dataclass

GZ_DISTRICTS = [("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
                ("440111", "白云区"), ("440112", "黄埔区"), ("440113", "番禺区"), ("440114", "花都区"),
                ("440115", "南沙区"), ("440117", "从化区"), ("440118", "增城区")]
PLACES = ["石牌", "五山", "员村", "猎德", "棠下", "车陂", "龙洞", "沙河", "东圃", "新港", "江南", "昌岗", "芳村",
          "西关", "东山", "北京路", "三元里", "同和", "京溪", "嘉禾", "大石", "市桥", "洛浦", "新塘", "荔城", "街口",
          "新华", "狮岭", "南沙", "黄阁", "萝岗", "长岭", "鱼珠", "华林", "逢源", "沙面", "赤岗", "琶洲", "天园", "黄村"]
PHARMACY_CHAINS = ["大参林", "老百姓大药房", "一心堂", "国大药房", "采芝林", "健民药店", "海王星辰", "益丰大药房"]
# For a region given by its code and name only: place names found in most counties, national chains.
COMMON_PLACES = ("城关", "东城", "西城", "南关", "北关", "城南", "城北", "新区", "东关", "西关", "河东", "河西")
NATIONAL_CHAINS = ("老百姓大药房", "国大药房", "益丰大药房", "一心堂", "大参林", "海王星辰")
# Regions of the ID numbers of persons born outside the dataset's region.
OTHER_CERT_REGIONS = ("440303", "440604", "441202", "445102", "430102", "430521", "360102", "450102", "510104",
                      "420102", "410102", "350102")
# The planted persons' ID numbers use these regions, which background ID numbers must never use (R16).
PLANTED_CERT_REGIONS = ("650102", "650103", "650104", "650105", "650106")


@dataclass(frozen=True)
class Region:
    """Where the generated institutions and insured persons are (行政区划).

    ``districts`` are the (code, name) of the areas institutions and enrolments are spread over (a
    county is one); institution names are ``name`` + district + place + kind, e.g. 广州市天河区石牌医院
    or 栾川县人民医院. The planted cases sit in ``home``; person numbers start with its first four digits.
    """

    name: str
    districts: tuple[tuple[str, str], ...]
    home: str
    places: tuple[str, ...] = COMMON_PLACES
    pharmacy_chains: tuple[str, ...] = NATIONAL_CHAINS

    def __post_init__(self) -> None:
        codes = [c for c, _ in self.districts]
        if not codes or any(len(c) != 6 or not c.isdigit() for c in codes):
            raise ValueError(f"a region needs 6-digit district codes, not {codes!r}")
        if self.home not in codes:
            raise ValueError(f"home {self.home!r} is not one of the districts {codes!r}")
        if set(codes) & set(PLANTED_CERT_REGIONS):
            raise ValueError("regions 650102–650106 are kept for the planted persons' ID numbers")

    @classmethod
    def of(cls, code: str, name: str, places: tuple[str, ...] = ()) -> Region:
        """A region given by one 行政区划 code and its name, e.g. Region.of("410324", "栾川县")."""
        return cls(name="", districts=((code, name),), home=code, places=tuple(places) or COMMON_PLACES)

    @property
    def home_name(self) -> str:
        return self.name + dict(self.districts)[self.home]

    @property
    def psn_prefix(self) -> str:
        return self.home[:4]

    @property
    def cert_regions(self) -> list[str]:
        """Regions of the background ID numbers: the districts (most persons), then others."""
        own = [c for c, _ in self.districts]
        return own + [c for c in OTHER_CERT_REGIONS if c not in own]


# The default: Guangzhou, the planted cases in 天河区.
GUANGZHOU = Region(name="广州市", districts=tuple(GZ_DISTRICTS), home="440106", places=tuple(PLACES),
                   pharmacy_chains=tuple(PHARMACY_CHAINS))
