"""The one translation table: every string a user sees, in Chinese (default) and English.

`t(key, **values)` formats the string of the current language. KPI, survey item and root-cause
names come from the settings (name_zh / name_en) through `kpi_name` etc., not from here.
"""

from __future__ import annotations

import streamlit as st

LANGUAGES = {"zh": "中文", "en": "English"}

TEXT: dict[str, tuple[str, str]] = {
    # app and navigation
    "app_title": ("售后服务质量", "After-sales service quality"),
    "page_overview": ("总览", "Overview"),
    "page_departments": ("部门目标", "Department targets"),
    "page_trends": ("趋势", "Trends"),
    "page_complaints": ("客诉分析", "Complaints"),
    "page_satisfaction": ("满意度", "Satisfaction"),
    "page_costs": ("服务成本", "Costs"),
    "page_data": ("数据", "Data"),
    "language": ("语言", "Language"),
    # sidebar filters
    "filters": ("筛选", "Filters"),
    "period_kind": ("周期", "Period"),
    "month": ("月", "Month"),
    "quarter": ("季度", "Quarter"),
    "period_range": ("期间", "Range"),
    "region": ("区域", "Region"),
    "service_center": ("服务网点", "Service centre"),
    "product_line": ("产品线", "Product line"),
    "customer_tier": ("客户类别", "Customer tier"),
    "channel": ("渠道", "Channel"),
    "technician": ("服务人员", "Technician"),
    "all": ("全部", "All"),
    "tier_key": ("重点客户", "Key customers"),
    "tier_general": ("一般客户", "General customers"),
    # header
    "as_of": ("数据截至", "As of"),
    "built_at": ("构建于", "Built"),
    "last_load": ("最近导入", "Last load"),
    "newest_record": ("最新记录", "Newest record"),
    "no_warehouse": ("尚无数据仓库。请先在“数据”页上传文件，或运行 `python -m pipelines demo`。",
                     "No warehouse yet. Upload files on the Data page, or run `python -m pipelines demo`."),
    "no_data": ("所选范围内没有数据。", "No data for this selection."),
    # rates and statistics
    "rate": ("比率", "Rate"),
    "target": ("目标", "Target"),
    "weight": ("权重", "Weight"),
    "met": ("达标", "Met"),
    "missed": ("未达标", "Missed"),
    "ci": ("95% 置信区间", "95% interval"),
    "n": ("样本数", "n"),
    "events": ("事件数", "Events"),
    "successes": ("成功数", "Successes"),
    "p_value": ("p 值", "p-value"),
    "significant_miss": ("显著低于目标", "Significantly below target"),
    "not_significant": ("未显著低于目标（可能是波动）", "Not significantly below target (may be noise)"),
    "small_n": ("样本量小（n < {n}），不作判断", "Small n (n < {n}): not judged"),
    "change_vs_prev": ("较上季度", "vs previous quarter"),
    "change_significant": ("变化显著", "significant change"),
    "change_not_significant": ("变化不显著", "change not significant"),
    "incomplete": ("不完整：部分加权指标本期无事件，权重已重新分配", "Incomplete: a weighted KPI has no events; weights rescaled"),
    "composite": ("服务满意率", "Service satisfaction (composite)"),
    "owner_department": ("责任部门", "Owner department"),
    "kpi": ("指标", "KPI"),
    "period": ("期间", "Period"),
    # downloads and drill-down
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 XLSX", "Download XLSX"),
    "drill_down": ("明细", "Drill down"),
    "drill_hint": ("选择一行查看其背后的事件（未达标的在前）。", "Select a row to see the events behind it (failures first)."),
    "event_id": ("事件编号", "Event"),
    "settled_at": ("结算时间", "Settled at"),
    "success": ("成功", "Success"),
    "happened_at": ("发生时间", "Happened at"),
    "due_at": ("期限", "Due"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
}


def lang() -> str:
    """The current language: the session's choice, else Chinese."""
    value = st.session_state.get("lang", "zh")
    return value if value in LANGUAGES else "zh"


def t(key: str, **values) -> str:
    """The text of `key` in the current language (the key itself when missing, so it shows)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return text.format(**values) if values else text


def name(row, prefix: str = "name") -> str:
    """A settings-driven name (e.g. a KPI's name_zh / name_en) of a record or dict."""
    return row[f"{prefix}_zh"] if lang() == "zh" else row[f"{prefix}_en"]
