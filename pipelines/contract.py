"""The source contract of SPEC §3, declared once as data.

Used by the validator (pipelines/validate.py), the landing schema, the dbt sources
(sql/models/staging/_sources.yml is checked against it by a test) and the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .settings import Settings

CHANNELS = {
    "phone": "电话",
    "email": "邮件",
    "web": "网站",
    "wechat": "微信",
    "visit": "来人",
    "letter": "来函",
    "fax": "传真",
    "other": "其他",
}
ENUMS: dict[str, dict[str, str]] = {
    "tier": {"key": "重点", "general": "一般"},
    "ticket_type": {"repair": "维修", "installation": "安装调试", "maintenance": "保养", "inquiry": "咨询"},
    "ticket_status": {"open": "处理中", "resolved": "已修复", "closed": "已关闭", "cancelled": "已取消"},
    "channel": CHANNELS,
    "quote_status": {"pending": "待确认", "accepted": "已接受", "rejected": "已拒绝", "cancelled": "已取消"},
    "survey_type": {"post_service": "服务回访", "periodic": "定期调查"},
    "respondent_role": {
        "purchasing": "采购",
        "technical": "技术",
        "quality": "质量",
        "production": "生产",
        "other": "其他",
    },
    "complaint_category": {
        "product_quality": "产品质量",
        "service": "服务",
        "delivery": "交付物流",
        "suggestion": "建议",
        "other": "其他",
    },
    "severity": {"grievance": "客户抱怨", "general": "一般客诉", "serious": "严重客诉"},
    "followup_result": {"satisfied": "满意", "dissatisfied": "不满意", "unreachable": "未联系上"},
}

# SQL type of each contract type in the landing store.
SQL_TYPES = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "decimal": "DECIMAL(18,2)",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "enum": "VARCHAR",
    "score": "INTEGER",
    "nps": "INTEGER",
}


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: str  # str | int | decimal | bool | timestamp | enum | score | nps
    required: bool = False
    enum: str | None = None  # key into ENUMS, or "root_cause" for the configured taxonomy
    not_before: str | None = None  # row rule: this timestamp must not precede that column

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


def C(name, zh, type_="str", required=False, enum=None, not_before=None) -> Column:  # noqa: N802
    return Column(name, zh, type_, required, enum, not_before)


SOURCES: dict[str, dict] = {
    "customers": {
        "zh": "客户",
        "key": "customer_id",
        "columns": [
            C("customer_id", "客户编号", required=True),
            C("customer_name", "客户名称", required=True),
            C("tier", "客户类别", "enum", enum="tier"),
            C("prior_year_revenue", "上年度销售收入", "decimal"),
            C("region", "区域"),
            C("industry", "行业"),
            C("contact_name", "联系人"),
            C("contact_phone", "联系电话"),
            C("contact_email", "邮箱"),
        ],
    },
    "tickets": {
        "zh": "工单",
        "key": "ticket_id",
        "columns": [
            C("ticket_id", "工单号", required=True),
            C("customer_id", "客户编号", required=True),
            C("ticket_type", "服务类型", "enum", True, enum="ticket_type"),
            C("reported_at", "报修时间", "timestamp", True),
            C("status", "状态", "enum", enum="ticket_status"),
            C("channel", "渠道", "enum", enum="channel"),
            C("product_line", "产品线"),
            C("product_model", "产品型号"),
            C("serial_no", "序列号"),
            C("in_warranty", "保修期内", "bool"),
            C("service_center", "服务网点"),
            C("region", "区域"),
            C("technician", "服务人员"),
            C("first_response_at", "首次响应时间", "timestamp", not_before="reported_at"),
            C("arrived_at", "到达现场时间", "timestamp", not_before="reported_at"),
            C("promised_at", "承诺完成时间", "timestamp"),
            C("resolved_at", "修复时间", "timestamp", not_before="reported_at"),
            C("closed_at", "关闭时间", "timestamp", not_before="reported_at"),
            C("visit_count", "上门次数", "int"),
            C("fixed_first_visit", "一次修复", "bool"),
            C("person_days", "人天", "decimal"),
            C("labor_cost", "人工费", "decimal"),
            C("travel_cost", "差旅费", "decimal"),
            C("material_cost", "材料费", "decimal"),
            C("transport_cost", "运输费", "decimal"),
            C("fault_description", "故障描述"),
            C("fault_cause", "故障原因"),
            C("solution", "处理方法"),
        ],
        # closed_at must not precede resolved_at (SPEC §3), checked besides not_before.
        "order_rules": [("closed_at", "resolved_at")],
    },
    "quotes": {
        "zh": "报价",
        "key": "quote_id",
        "columns": [
            C("quote_id", "报价单号", required=True),
            C("ticket_id", "工单号", required=True),
            C("requested_at", "报价申请时间", "timestamp", True),
            C("sent_at", "报价发出时间", "timestamp", not_before="requested_at"),
            C("amount", "报价金额", "decimal"),
            C("status", "报价状态", "enum", enum="quote_status"),
        ],
    },
    "surveys": {
        "zh": "满意度调查",
        "key": "response_id",
        "columns": [
            C("response_id", "问卷编号", required=True),
            C("survey_type", "调查类型", "enum", True, enum="survey_type"),
            C("customer_id", "客户编号", required=True),
            C("ticket_id", "工单号"),
            C("sent_at", "发出时间", "timestamp"),
            C("responded_at", "回复时间", "timestamp", True),
            C("respondent_role", "填写部门", "enum", enum="respondent_role"),
            # item columns are inserted here from the settings (survey_columns)
            C("overall", "总体满意度", "score"),
            C("nps", "推荐意愿", "nps"),
            C("comment", "意见和建议"),
        ],
    },
    "complaints": {
        "zh": "客诉",
        "key": "complaint_id",
        "columns": [
            C("complaint_id", "投诉编号", required=True),
            C("customer_id", "客户编号", required=True),
            C("received_at", "受理时间", "timestamp", True),
            C("ticket_id", "工单号"),
            C("channel", "渠道", "enum", enum="channel"),
            C("category", "投诉类别", "enum", True, enum="complaint_category"),
            C("severity", "严重程度", "enum", enum="severity"),
            C("justified", "投诉是否成立", "bool"),
            C("responsible_department", "责任部门"),
            C("root_cause_category", "原因分类", "enum", enum="root_cause"),
            C("root_cause", "原因分析"),
            C("product_line", "产品线"),
            C("product_model", "产品型号"),
            C("description", "投诉内容"),
            C("acknowledged_at", "首次响应时间", "timestamp", not_before="received_at"),
            C("due_at", "处理期限", "timestamp"),
            C("resolved_at", "解决时间", "timestamp", not_before="received_at"),
            C("closed_at", "关闭时间", "timestamp", not_before="received_at"),
            C("capa_action", "纠正预防措施"),
            C("capa_owner", "措施负责人"),
            C("capa_due_at", "措施期限", "timestamp"),
            C("capa_done_at", "措施完成时间", "timestamp"),
            C("capa_effective", "措施有效", "bool"),
            C("compensation", "赔偿金额", "decimal"),
            C("followup_at", "回访时间", "timestamp"),
            C("followup_result", "回访结果", "enum", enum="followup_result"),
        ],
    },
}

SOURCE_ALIASES = {name: name for name in SOURCES} | {spec["zh"]: name for name, spec in SOURCES.items()}

# Metadata columns every landing batch carries besides the contract columns: the load, the file
# and its place in the load (1-based), the row's number in it, and for a profile with a version
# column (SPEC §3) the row's version, as a number or as a timestamp (the other null). The staging
# models pick each key's record by them (sql/macros/latest_version.sql).
META_COLUMNS = [
    ("_load_id", "VARCHAR"),
    ("_file_name", "VARCHAR"),
    ("_row_number", "BIGINT"),
    ("_file_seq", "INTEGER"),
    ("_version_number", "DOUBLE"),
    ("_version_at", "TIMESTAMP"),
]


def columns(source: str, settings: Settings) -> list[Column]:
    """The contract columns of a source, with the configured survey items for surveys."""
    cols = list(SOURCES[source]["columns"])
    if source == "surveys":
        at = next(i for i, c in enumerate(cols) if c.name == "overall")
        items = [C(i.id, i.zh, "score") for i in settings.items]
        seen: set[str] = set()
        unique = [c for c in items if not (c.name in seen or seen.add(c.name))]
        cols[at:at] = unique
    return cols


def enum_values(enum: str, settings: Settings) -> dict[str, str]:
    """English value → Chinese alias of an enum, the root-cause taxonomy taken from the settings."""
    return dict(settings.root_causes) if enum == "root_cause" else ENUMS[enum]


def normalise_header(text: str) -> str:
    """Header matching ignores case, spaces, '_' and '-' (SPEC §3)."""
    return re.sub(r"[\s_\-]+", "", str(text)).lower()


def source_for_name(stem: str) -> str | None:
    """The source named by a file stem or sheet name (English or Chinese), if any."""
    key = normalise_header(stem)
    for alias, source in SOURCE_ALIASES.items():
        if normalise_header(alias) == key:
            return source
    return None


def landing_schema(source: str, settings: Settings) -> list[tuple[str, str]]:
    """(column, SQL type) of a source's landing Parquet, metadata first."""
    return META_COLUMNS + [(c.name, c.sql_type) for c in columns(source, settings)]
