"""The starting library: the indicators and the two schemes the seeds describe (seed 001: the
presales engineer assessment form 35/15/15/15/10/10 with its rules; seed 002 §3: the four-dimension
model 40/30/20/10; seed 003 §6: project success, satisfaction, solution and bid document quality,
communication, market information; seed 004: the presales manager form, key indicators 80 / work
performance 20). Loaded by migration 0002 and used by the demo; plain data, no models.

Where a seed gives only part of a rule, the gaps are our own choice and say so in `definition`:
- technical resolution: the seed gives ≤3 → 30 and >10 → 10; 4–10 → 20 is ours (the middle band).
- rates without a seed target use an achievement rule with a target a manager can change.
"""

ENGINEER = "presales_engineer"
MANAGER = "presales_manager"

# code, name, dimension, data source, metric code, unit, rule type, params, full marks, roles,
# evaluation sources, definition
INDICATORS = [
    {
        "code": "KPI-R01", "name": "售前支撑项目转化率", "dimension": "results", "data_source": "computed",
        "metric_code": "conversion_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 30, "ceiling_pct": 120, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "售前支撑的商机中赢单的比例(赢单数 ÷ 已结束的支撑商机数)。按目标值 30% 计算达成率,"
                      "超额最多计 120%(种子 002 结果导向类)。",
    },
    {
        "code": "KPI-R02", "name": "中标率", "dimension": "results", "data_source": "computed",
        "metric_code": "bid_win_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 40, "ceiling_pct": 120, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER, MANAGER], "sources": ["system"],
        "definition": "参与投标中中标的比例。按目标值 40% 计算达成率,超额最多计 120%(种子 002 结果导向类)。",
    },
    {
        "code": "KPI-R03", "name": "平均响应时间", "dimension": "results", "data_source": "computed",
        "metric_code": "support_response_hours", "unit": "小时", "rule_type": "linear",
        "rule_params": {"zero_at": 24, "full_at": 4}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "售前支持申请从提交到首次响应的平均小时数。≤4 小时满分,≥24 小时不得分,其间线性(种子 002)。",
    },
    {
        "code": "KPI-R04", "name": "项目技术解决率", "dimension": "results", "data_source": "computed",
        "metric_code": "unresolved_issue_customers", "unit": "个客户", "rule_type": "bands",
        "rule_params": {"bands": [{"upto": 3, "points": 30}, {"upto": 10, "points": 20}, {"points": 10}]},
        "max_points": 30, "roles": [ENGINEER], "sources": ["system"],
        "definition": "独立解决客户技术问题的能力,以考核期内技术问题未及时解决的客户数衡量:≤3 个得 30 分,"
                      ">10 个得 10 分(种子 001,权重 35%);4–10 个得 20 分为本系统补充的中间档。",
    },
    {
        "code": "KPI-R05", "name": "POC 成功率", "dimension": "results", "data_source": "computed",
        "metric_code": "poc_success_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 60, "ceiling_pct": 120, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "已出结论的 POC 中通过或优秀的比例。按目标值 60% 计算达成率,超额最多计 120%。",
    },
    {
        "code": "KPI-R06", "name": "项目成功率", "dimension": "results", "data_source": "computed",
        "metric_code": "project_success_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 50, "ceiling_pct": 120, "lower_is_better": False}, "max_points": 10,
        "roles": [MANAGER, ENGINEER], "sources": ["system"],
        "definition": "成功中标或与客户达成合作意向的项目占已结束项目的比例(种子 003 §6)。按目标值 50% 计算达成率。",
    },
    {
        "code": "KPI-P01", "name": "客户满意度", "dimension": "process", "data_source": "computed",
        "metric_code": "customer_satisfaction", "unit": "分", "rule_type": "linear",
        "rule_params": {"zero_at": 80, "full_at": 95}, "max_points": 15,
        "roles": [ENGINEER, MANAGER], "sources": ["customer"],
        "definition": "项目支持满意度,通过 NPS/满意度调研量化:95 分以上满分,80 分以下不得分,其间线性(种子 001,权重 15%)。",
    },
    {
        "code": "KPI-P02", "name": "项目跟踪回访完成率", "dimension": "process", "data_source": "computed",
        "metric_code": "follow_up_completion", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 100, "ceiling_pct": 100, "lower_is_better": False}, "max_points": 15,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "每周定期回访的完成比例,遗漏项目直接影响评分:完成率 × 满分(种子 001,权重 15%)。",
    },
    {
        "code": "KPI-P03", "name": "客户投诉次数", "dimension": "process", "data_source": "computed",
        "metric_code": "complaints", "unit": "次", "rule_type": "deduction",
        "rule_params": {"per_occurrence": 5, "floor": 0}, "max_points": 15,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "直接扣分制:每次有效投诉扣 5 分,扣完为止(种子 001,权重 15%)。",
    },
    {
        "code": "KPI-P04", "name": "方案完整度", "dimension": "process", "data_source": "computed",
        "metric_code": "solution_completeness", "unit": "分", "rule_type": "linear",
        "rule_params": {"zero_at": 60, "full_at": 90}, "max_points": 10,
        "roles": [ENGINEER, MANAGER], "sources": ["system"],
        "definition": "解决方案评审给出的完整度/质量评分(合理性、完整性、创新性,种子 002/003):≥90 满分,≤60 不得分,其间线性。",
    },
    {
        "code": "KPI-P05", "name": "内部评审通过率", "dimension": "process", "data_source": "computed",
        "metric_code": "review_first_pass_rate", "unit": "%", "rule_type": "achievement",
        "rule_params": {"target": 80, "ceiling_pct": 100, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "方案内部三级评审一次通过的比例(种子 002)。按目标值 80% 计算达成率,最多满分。",
    },
    {
        "code": "KPI-P06", "name": "投标文件质量", "dimension": "process", "data_source": "manual",
        "metric_code": "", "unit": "分", "rule_type": "manual",
        "rule_params": {"scale": 5}, "max_points": 10,
        "roles": [MANAGER, ENGINEER], "sources": ["supervisor"],
        "definition": "检查投标文件的准确性、合规性、完整性(种子 003 §6),由上级按 0–5 分评定。",
    },
    {
        "code": "KPI-G01", "name": "技术学习交流与成长", "dimension": "growth", "data_source": "manual",
        "metric_code": "", "unit": "分", "rule_type": "pass_line",
        "rule_params": {"pass_line": 80, "fail_points": 0}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["supervisor"],
        "definition": "培训考核成绩,80 分为及格线:及格得满分,否则不得分(种子 001,权重 10%)。",
    },
    {
        "code": "KPI-G02", "name": "知识分享", "dimension": "growth", "data_source": "computed",
        "metric_code": "knowledge_shares", "unit": "例", "rule_type": "bonus",
        "rule_params": {"per_occurrence": 2, "cap": 10, "base": 0}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "成功经验分享:每例加 2 分,最多 10 分(种子 001;种子 002 知识分享次数)。",
    },
    {
        "code": "KPI-G03", "name": "带教新人", "dimension": "growth", "data_source": "computed",
        "metric_code": "mentoring", "unit": "次", "rule_type": "achievement",
        "rule_params": {"target": 4, "ceiling_pct": 100, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "导师制下对新人的辅导记录次数(种子 002 带教新人表现)。按每季度 4 次的目标计算,最多满分。",
    },
    {
        "code": "KPI-C01", "name": "日报总结", "dimension": "collaboration", "data_source": "computed",
        "metric_code": "daily_report_quality", "unit": "分", "rule_type": "bands",
        "rule_params": {"bands": [{"from": 0.5, "points": 10}, {"from": 0, "points": 8},
                                  {"from": -0.5, "points": 5}, {"points": 2}]},
        "max_points": 10, "roles": [ENGINEER], "sources": ["supervisor"],
        "definition": "日报内容质量:上级评定每份日报(敷衍 −1,一般 0,建设性意见 +1),取平均分:≥0.5 得 10 分,"
                      "≥0 得 8 分,≥−0.5 得 5 分,其余 2 分(种子 001,权重 10%)。",
    },
    {
        "code": "KPI-C02", "name": "跨部门配合评分", "dimension": "collaboration", "data_source": "survey",
        "metric_code": "", "unit": "分", "rule_type": "manual",
        "rule_params": {"scale": 5}, "max_points": 10,
        "roles": [ENGINEER, MANAGER], "sources": ["peer", "supervisor"],
        "definition": "360 度反馈收集的跨部门协作与沟通评价(种子 001/002/003),0–5 分。",
    },
    {
        "code": "KPI-C03", "name": "对销售赋能", "dimension": "collaboration", "data_source": "computed",
        "metric_code": "sales_trainings", "unit": "场", "rule_type": "achievement",
        "rule_params": {"target": 2, "ceiling_pct": 100, "lower_is_better": False}, "max_points": 10,
        "roles": [ENGINEER], "sources": ["system"],
        "definition": "为销售开展的培训场次(种子 002 协作贡献类)。按每季度 2 场的目标计算,最多满分。",
    },
    {
        "code": "KPI-W01", "name": "市场信息收集与分析", "dimension": "work", "data_source": "manual",
        "metric_code": "", "unit": "分", "rule_type": "manual",
        "rule_params": {"scale": 5}, "max_points": 10,
        "roles": [MANAGER, ENGINEER], "sources": ["supervisor"],
        "definition": "收集市场信息的及时性和准确性,以及对市场信息的分析和利用能力(种子 003 §6),由上级按 0–5 分评定。",
    },
]

# Scheme items: (indicator code, weight %, dimension or None for the indicator's own).
SCHEMES = [
    {
        "code": "SCH-ENG", "name": "售前工程师考核方案(四维度)", "role": ENGINEER, "position": "售前工程师",
        "description": "结果导向 40% · 过程质量 30% · 成长潜力 20% · 协作贡献 10%(种子 002 §3)。",
        "dimension_weights": {"results": 40, "process": 30, "growth": 20, "collaboration": 10},
        "items": [
            ("KPI-R01", "15", None), ("KPI-R02", "15", None), ("KPI-R03", "10", None),
            ("KPI-P04", "10", None), ("KPI-P01", "10", None), ("KPI-P05", "10", None),
            ("KPI-G01", "8", None), ("KPI-G02", "6", None), ("KPI-G03", "6", None),
            ("KPI-C02", "5", None), ("KPI-C03", "5", None),
        ],
    },
    {
        "code": "SCH-MGR", "name": "售前经理绩效考核评分表", "role": MANAGER, "position": "售前经理",
        "description": "个人关键指标达成情况 80% · 个人工作表现 20%(种子 004 篇一;指标取自种子 003 §6)。",
        "dimension_weights": {"key": 80, "work": 20},
        "items": [
            ("KPI-R06", "25", "key"), ("KPI-P01", "15", "key"), ("KPI-P04", "15", "key"),
            ("KPI-P06", "15", "key"), ("KPI-R02", "10", "key"),
            ("KPI-C02", "10", "work"), ("KPI-W01", "10", "work"),
        ],
    },
]

# The seed 001 form without dimension weights (35/15/15/15/10/10), used by the demo.
SEED_001_SCHEME = {
    "code": "SCH-001", "name": "售前工程师绩效考核表(指标库版)", "role": ENGINEER, "position": "售前工程师",
    "description": "项目技术解决率 35% · 客户满意度 15% · 跟踪回访 15% · 客户投诉 15% · 学习成长 10% · 日报 10%(种子 001)。",
    "dimension_weights": {},
    "items": [
        ("KPI-R04", "35", None), ("KPI-P01", "15", None), ("KPI-P02", "15", None), ("KPI-P03", "15", None),
        ("KPI-G01", "5", None), ("KPI-G02", "5", None), ("KPI-C01", "10", None),
    ],
}

SNAPSHOT_FIELDS = (
    "code", "name", "dimension", "definition", "data_source", "metric_code", "unit", "rule_type",
    "rule_params", "max_points", "evaluation_sources", "status",
)


def indicator_snapshot(indicator, role_codes) -> dict:
    """The full definition of an indicator at its current version (JSON-safe)."""
    data = {name: getattr(indicator, name) for name in SNAPSHOT_FIELDS}
    data["max_points"] = str(data["max_points"])
    data["applicable_roles"] = sorted(role_codes)
    data["version"] = indicator.version
    return data
