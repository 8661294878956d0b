"""The solution structure of seed 003 §3.3 (详细设计: 方案概述、业务流程设计、技术架构设计、功能模块
描述、系统集成方案、实施计划、项目预算) with seed 002's content hints (architecture diagram, deployment
model, cost estimate), plus two optional sections from the bid's technical part (培训方案) and from
seed 004 (reference cases for customers who do not trust us yet). Managers edit the catalogue."""

from django.db import migrations

SECTIONS = [
    (
        "overview",
        "方案概述",
        True,
        "项目背景、客户现状与痛点、建设目标与总体思路；说明方案如何回应需求确认书中的关键需求。",
    ),
    (
        "business_process",
        "业务流程设计",
        True,
        "现状流程与目标流程对比，关键业务场景的流程说明，流程改进带来的量化收益。",
    ),
    (
        "architecture",
        "技术架构设计",
        True,
        "总体架构图、技术路线与选型理由、部署模型（本地/云/混合）、安全与高可用设计。",
    ),
    ("modules", "功能模块描述", True, "各功能模块的职责、主要功能点及与客户需求条目的对应关系。"),
    (
        "integration",
        "系统集成方案",
        True,
        "与客户现有系统（如ERP、MES、OA）的接口方式、数据流向、集成范围与责任划分。",
    ),
    ("implementation", "实施计划", True, "实施阶段与里程碑、双方人员投入、验收方式与风险应对。"),
    ("budget", "项目预算", True, "软硬件、实施与服务的成本估算，报价口径与付款节点建议。"),
    ("training", "培训与服务", False, "培训对象、内容与方式，售后服务承诺与响应时限。"),
    ("cases", "相关案例", False, "同行业或同场景的实施案例与客户评价，用于增强客户信任。"),
]


def seed(apps, schema_editor):
    SectionTemplate = apps.get_model("solutions", "SectionTemplate")
    for position, (code, title, required, guidance) in enumerate(SECTIONS, start=1):
        SectionTemplate.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "required": required,
                "position": position * 10,
                "guidance": guidance,
                "min_chars": 30,
                "active": True,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("solutions", "SectionTemplate").objects.filter(code__in=[s[0] for s in SECTIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("solutions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
