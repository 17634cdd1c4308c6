"""The fictional after-sales organisation: service centres and their quality, technicians, customers.

Quality parameters are probabilities per ticket; tickets.py turns them into events. Product lines and
the name vocabularies live here too, since tickets, surveys and complaints all draw on them.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyarrow as pa

from .arrays import blank, decimals, ids, join, labels, seconds

REPORTING_START = seconds("2024-11-01T00:00:00")  # first reported_at
EXPORT_END = seconds("2026-11-01T00:00:00")  # export snapshot: nothing happens at or after it
SLIP_FROM = seconds("2026-07-01T00:00:00")  # the slipping centre's decline starts here

# name, region, share of customers, repair on-time p, first-visit fix p, explicit repeat p,
# first-response scale (h), median on-site delay (h), labour rate (CNY / person-day), cities
CENTRES = [
    ("上海服务中心", "华东", 0.30, 0.985, 0.955, 0.012, 0.22, 1.8, 900, ["上海", "苏州", "杭州", "宁波", "无锡"]),
    ("北京服务中心", "华北", 0.22, 0.965, 0.935, 0.018, 0.28, 2.1, 880, ["北京", "天津", "石家庄", "济南"]),
    ("广州服务中心", "华南", 0.20, 0.960, 0.925, 0.022, 0.30, 2.2, 850, ["广州", "深圳", "东莞", "佛山"]),
    ("成都服务中心", "西南", 0.14, 0.930, 0.885, 0.035, 0.40, 2.8, 720, ["成都", "重庆", "绵阳"]),
    ("武汉服务站", "华中", 0.14, 0.965, 0.935, 0.018, 0.30, 2.2, 740, ["武汉", "长沙", "襄阳"]),
]
SLIP_CENTRE = 4  # 武汉服务站: from SLIP_FROM on, a technician shortage
SLIPPED = dict(on_time=0.80, ftf=0.78, repeat=0.07, response=0.60, onsite=3.6)

# product line, share of installed units, (model, serial prefix) list, faults (description, cause, solution)
PRODUCTS = [
    (
        "数控机床",
        0.30,
        [("CK6150", "CK"), ("VMC850", "VM"), ("VMC1160", "VM")],
        [
            ("主轴异响，加工表面有振纹", "主轴轴承磨损", "更换主轴轴承并重新动平衡"),
            ("X轴定位不准，超差0.05mm", "丝杠间隙过大", "调整丝杠预紧并补偿反向间隙"),
            ("开机报警：伺服驱动器过流", "伺服电机编码器线缆破损", "更换编码器线缆"),
            ("刀库换刀卡刀", "刀库机械手定位偏移", "重新标定换刀点"),
            ("冷却液泄漏", "冷却管接头老化", "更换接头和密封圈"),
        ],
    ),
    (
        "空压机",
        0.25,
        [("SA-37", "SA"), ("SA-75", "SA"), ("SA-110", "SA")],
        [
            ("排气温度过高停机", "油冷却器堵塞", "清洗油冷却器并更换润滑油"),
            ("压力上不去", "进气阀膜片破损", "更换进气阀膜片"),
            ("运行噪音大", "电机轴承缺油", "更换电机轴承"),
            ("控制屏无显示", "控制板电源模块损坏", "更换电源模块"),
        ],
    ),
    (
        "工业机器人",
        0.20,
        [("RB-20", "RB"), ("RB-50", "RB"), ("RB-165", "RB")],
        [
            ("第三轴抖动", "减速机磨损", "更换减速机"),
            ("示教器无法连接", "通讯电缆接触不良", "更换通讯电缆"),
            ("零点丢失报警", "编码器电池电量低", "更换电池并重新校零"),
            ("焊接轨迹偏移", "工具坐标系标定错误", "重新标定TCP"),
        ],
    ),
    (
        "激光切割机",
        0.15,
        [("LC-3015", "LC"), ("LC-6020", "LC")],
        [
            ("切割断面挂渣", "切割头保护镜片污染", "更换保护镜片并调整焦点"),
            ("激光器功率下降", "光纤接头污染", "清洁光纤接头并校准功率"),
            ("横梁运动异响", "齿条润滑不良", "清洁并润滑齿条导轨"),
        ],
    ),
    (
        "注塑机",
        0.10,
        [("IM-280", "IM"), ("IM-530", "IM")],
        [
            ("产品飞边", "锁模力不足", "调整锁模参数并检查液压系统"),
            ("料筒温度波动", "加热圈损坏", "更换加热圈"),
            ("液压油温高", "冷却水流量不足", "疏通冷却水路"),
        ],
    ),
]

INDUSTRIES = ["汽车零部件", "电子制造", "食品饮料", "化工", "医药", "机械加工", "新能源", "家电", "五金"]
NAME_WORDS = [
    "恒",
    "达",
    "鑫",
    "华",
    "盛",
    "泰",
    "宏",
    "瑞",
    "博",
    "远",
    "精",
    "联",
    "信",
    "丰",
    "明",
    "诚",
    "海",
    "天",
    "新",
    "创",
    "成",
    "永",
    "金",
    "通",
    "安",
    "康",
    "正",
    "嘉",
    "德",
    "润",
]
NAME_SUFFIX = [
    "精密机械有限公司",
    "汽车部件有限公司",
    "电子科技有限公司",
    "食品有限公司",
    "化工有限公司",
    "制药股份有限公司",
    "机械制造有限公司",
    "新能源科技有限公司",
    "电器有限公司",
    "五金制品厂",
]
SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("赵", "zhao"),
    ("黄", "huang"),
    ("周", "zhou"),
    ("吴", "wu"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("胡", "hu"),
    ("朱", "zhu"),
    ("高", "gao"),
    ("林", "lin"),
    ("何", "he"),
    ("郭", "guo"),
    ("马", "ma"),
    ("罗", "luo"),
    ("梁", "liang"),
    ("宋", "song"),
    ("郑", "zheng"),
    ("谢", "xie"),
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "磊",
    "强",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "平",
    "刚",
    "桂英",
    "建国",
    "志强",
    "丽",
    "鹏",
    "晨",
    "浩",
    "婷",
    "宇",
    "欣",
    "立新",
]
PHONE_PREFIX = ["138", "139", "136", "137", "135", "150", "158", "186", "188", "177", "189", "152"]
MAIL_DOMAINS = ["example.com", "example.cn", "example.net"]

# ---- centre quality ------------------------------------------------------------------------------

_CENTRE_PARAM = {
    k: np.array([c[i] for c in CENTRES], float)
    for k, i in (("on_time", 3), ("ftf", 4), ("repeat", 5), ("response", 6), ("onsite", 7), ("rate", 8))
}


def centre_param(key: str, centre, reported):
    """A centre's quality parameter at the time of each ticket; the slipping centre changes at SLIP_FROM."""
    slip = (centre == SLIP_CENTRE) & (reported >= SLIP_FROM)
    return (
        np.where(slip, SLIPPED.get(key, 0.0), _CENTRE_PARAM[key][centre])
        if key in SLIPPED
        else _CENTRE_PARAM[key][centre]
    )


# ---- customers -----------------------------------------------------------------------------------


def customers(rng: np.random.Generator, n: int, threshold: float):
    """The customer table, and each customer's centre, key flag, ticket weight and machine quality."""
    shares = np.array([c[2] for c in CENTRES])
    centre = rng.choice(len(CENTRES), n, p=shares / shares.sum())
    revenue = np.round(rng.lognormal(np.log(1.8e6), 1.1, n), -3)
    is_key = revenue >= threshold
    tier = np.where(is_key, 0, 1)
    tier = np.where(rng.random(n) < 0.04, 0, tier)  # strategic accounts, key below the threshold
    tier_empty = rng.random(n) < 0.12  # the threshold rule applies (SPEC §3)
    rev_empty = ~tier_empty & (rng.random(n) < 0.10)
    key = np.where(tier_empty, is_key, tier == 0)
    cities = [c[9] for c in CENTRES]
    city_i = (rng.random(n) * np.array([len(c) for c in cities])[centre]).astype(int)
    city_flat = [city for cs in cities for city in cs]
    city_off = np.cumsum([0] + [len(c) for c in cities])[:-1]
    words = rng.integers(0, len(NAME_WORDS), (2, n))
    name = join(
        labels(city_off[centre] + city_i, city_flat),
        labels(words[0], NAME_WORDS),
        labels(words[1], NAME_WORDS),
        labels(rng.integers(0, len(NAME_SUFFIX), n), NAME_SUFFIX),
    )
    sur = rng.integers(0, len(SURNAMES), n)
    phone_tail = ids("", rng.integers(0, 10**8, n), 8)
    table = pa.table(
        {
            "customer_id": ids("C", np.arange(1, n + 1), max(5, len(str(n)))),
            "customer_name": name,
            "tier": labels(np.where(tier_empty, -1, tier), ["key", "general"]),
            "prior_year_revenue": decimals(blank(revenue, rev_empty)),
            "region": labels(centre, [c[1] for c in CENTRES]),
            "industry": labels(rng.integers(0, len(INDUSTRIES), n), INDUSTRIES),
            "contact_name": join(labels(sur, [s[0] for s in SURNAMES]), labels(rng.integers(0, len(GIVEN), n), GIVEN)),
            "contact_phone": join(labels(rng.integers(0, len(PHONE_PREFIX), n), PHONE_PREFIX), phone_tail),
            "contact_email": join(
                labels(sur, [s[1] for s in SURNAMES]),
                ids("", rng.integers(1, 1000, n), 3),
                "@",
                labels(rng.integers(0, len(MAIL_DOMAINS), n), MAIL_DOMAINS),
            ),
        }
    )
    weight = np.sqrt(revenue) * np.where(key, 2.0, 1.0)
    quality = rng.normal(0, 0.6, n)  # how well the customer's installed machines run (periodic surveys)
    return table, SimpleNamespace(n=n, centre=centre, key=key, weight=weight / weight.sum(), quality=quality)


# ---- technicians ---------------------------------------------------------------------------------


def technicians(rng: np.random.Generator, tickets: int):
    """Technician names per centre, offsets into the flat list, and each one's skill modifier."""
    names, counts = [], []
    for c in CENTRES:
        k = int(np.clip(round(3 + c[2] * tickets / 120), 4, 60))
        seen: set[str] = set()
        while len(seen) < k:
            s, g = SURNAMES[rng.integers(len(SURNAMES))][0], GIVEN[rng.integers(len(GIVEN))]
            name = s + g
            if name in seen:
                name = f"{name}{len(seen)}"
            seen.add(name)
            names.append(name)
        counts.append(k)
    skill = rng.normal(0, 0.015, len(names))
    offsets = np.cumsum([0] + counts)[:-1]
    skill[offsets] = -0.05  # every centre has one weaker technician
    return names, offsets, np.array(counts), skill
