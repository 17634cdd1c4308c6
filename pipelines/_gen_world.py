"""The fictional after-sales organisation behind pipelines/generate.py: centres, products, names, texts.

Pure data. Quality parameters are probabilities per ticket; the generator turns them into events.
"""

from __future__ import annotations

import numpy as np

START = np.datetime64("2024-11-01T00:00:00", "s")  # first reported_at (local time)
END = np.datetime64("2026-11-01T00:00:00", "s")  # export snapshot: nothing happens at or after it
SLIP_FROM = np.datetime64("2026-07-01T00:00:00", "s")  # the slipping centre's decline starts here

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

# relative ticket volume by calendar month: Spring Festival dip, summer peak, National Day dip
SEASON = np.array([1.00, 0.60, 1.10, 1.05, 1.00, 1.10, 1.25, 1.25, 1.10, 0.85, 1.00, 1.05])

TICKET_TYPES = ["repair", "installation", "maintenance", "inquiry"]
TICKET_TYPE_P = [0.55, 0.18, 0.17, 0.10]
TICKET_CHANNELS = ["phone", "wechat", "web", "email", "visit", "letter", "fax", "other"]
TICKET_CHANNEL_P = [0.45, 0.25, 0.12, 0.10, 0.04, 0.01, 0.01, 0.02]

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
OTHER_WORK = {  # (description, cause, solution) by non-repair ticket type
    "installation": ("新设备安装调试", "", "安装调试完成，已培训操作人员"),
    "maintenance": ("年度预防性保养", "", "更换滤芯和润滑油，检查电气和安全装置"),
    "inquiry": ("咨询操作与参数设置", "", "电话远程指导解决"),
}

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

RESPONDENT_ROLES = ["purchasing", "technical", "quality", "production", "other"]
POST_ROLE_P = [0.05, 0.40, 0.10, 0.35, 0.10]
PERIODIC_ROLE_P = [0.35, 0.20, 0.25, 0.15, 0.05]

# survey item behaviour by item id: (mean on a 1-5 scale, weight in the customer's overall judgement);
# on_time and product_quality drive overall most, so their Spearman importance comes out highest.
ITEM_MODEL = {
    "on_time": (4.35, 0.40),
    "first_time_fixed": (4.35, 0.22),
    "professionalism": (4.30, 0.14),
    "attitude": (4.55, 0.12),
    "communication": (4.30, 0.12),
    "design": (4.00, 0.10),
    "product_quality": (4.05, 0.45),
    "delivery": (4.00, 0.12),
    "service": (4.20, 0.17),
    "price": (3.60, 0.08),
    "vs_competitors": (3.80, 0.08),
}
DEFAULT_ITEM = (4.10, 0.10)
COMMENTS_GOOD = [
    "服务及时，工程师很专业",
    "维修速度快，满意",
    "工程师耐心讲解了保养要点",
    "整体不错，继续保持",
    "响应快，态度好",
    "Engineer was professional and on time",
    "产品稳定，服务到位",
]
COMMENTS_BAD = [
    "等了两天才有人来，太慢了",
    "同一个问题修了两次还没好",
    "备件到货太慢，影响生产",
    "希望提高一次修复率",
    "电话一直打不通",
    "Spare parts took too long",
    "价格偏高，希望优惠",
]

COMPLAINT_CATEGORIES = ["product_quality", "service", "delivery", "suggestion", "other"]
COMPLAINT_TEXT = {
    "product_quality": [
        "设备频繁停机，质量不稳定",
        "新机到厂一个月即出现故障",
        "关键部件寿命明显偏短",
        "精度达不到合同要求",
    ],
    "service": ["维修人员迟迟未到现场", "同一故障多次维修未解决", "服务人员态度差", "报价时间太长"],
    "delivery": ["备件发错型号", "设备到货外包装破损", "交货延期两周", "随机资料缺失"],
    "suggestion": ["建议增加远程诊断功能", "建议提供操作培训视频", "建议缩短备件供货周期"],
    "other": ["发票开具错误", "合同条款有异议", "对收费标准有疑问"],
}
# root cause mix within a complaint category (weights; ids outside the configured taxonomy are dropped)
ROOT_CAUSE_MIX = {
    "product_quality": {
        "manufacturing": 45,
        "assembly": 20,
        "supplier": 12,
        "material": 8,
        "design": 8,
        "customer_misuse": 6,
        "other": 1,
    },
    "service": {"response_delay": 65, "service_attitude": 22, "customer_misuse": 8, "other": 5},
    "delivery": {"logistics": 80, "supplier": 12, "other": 8},
    "suggestion": {"design": 60, "other": 40},
    "other": {"other": 60, "customer_misuse": 40},
}
DEPARTMENT_OF_CAUSE = {
    "design": "技术部",
    "manufacturing": "生产部",
    "assembly": "生产部",
    "material": "品控中心",
    "supplier": "采购部",
    "logistics": "业务部",
    "service_attitude": "售后服务部",
    "response_delay": "售后服务部",
    "customer_misuse": "售后服务部",
    "other": "品控中心",
}
# follow-up satisfied probability by responsible department (complaint handling satisfaction, SPEC §4)
DEPARTMENT_SATISFIED = {
    "售后服务部": 0.86,
    "技术部": 0.93,
    "生产部": 0.90,
    "采购部": 0.94,
    "业务部": 0.95,
    "品控中心": 0.91,
}
CAUSE_TEXT = {
    "design": "结构设计余量不足",
    "manufacturing": "加工工序未按工艺执行",
    "assembly": "装配扭矩不足导致松动",
    "material": "原材料批次硬度不合格",
    "supplier": "外购件供应商来料不良",
    "logistics": "物流包装防护不足",
    "service_attitude": "服务人员沟通方式不当",
    "response_delay": "网点人员不足，派工延迟",
    "customer_misuse": "客户未按说明书操作",
    "other": "其他原因",
}
CAPA_TEXT = {
    "design": "修改设计图纸并验证",
    "manufacturing": "修订作业指导书并培训操作工",
    "assembly": "增加扭矩复检工序",
    "material": "加严来料检验",
    "supplier": "对供应商发出8D整改要求",
    "logistics": "改进包装方案",
    "service_attitude": "开展服务礼仪培训",
    "response_delay": "增补网点人员并优化派工规则",
    "customer_misuse": "向客户提供操作培训",
    "other": "跟踪改进",
}
