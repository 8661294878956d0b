"""The seed's 成功标准量化指引 (success criteria quantification guide) as reference data. Managers
edit it afterwards (admin and the guide pages); removing the migration's rows is left to them."""

from decimal import Decimal

from django.db import migrations

D = Decimal
# industry, scenario, metric, unit, direction, form, baseline, reference, pass, excellent,
# pass as written, excellent as written, aggregation
ROWS = [
    ("energy_storage", "新型储能·BMS", "BMS响应时间", "ms", "lower", "absolute", None, None, D(80), D(50),
     "≤80ms（行业基准提升50%）", "≤50ms（行业领先水平）", "mean"),
    ("energy_storage", "新型储能·BMS", "高温误报率", "%", "lower", "relative", None, None, D(60), D(80),
     "相比现有方案降低60%", "相比现有方案降低80%", "mean"),
    ("energy_storage", "新型储能·BMS", "连续运行故障次数", "次/30天", "lower", "absolute", None, None, D(2), D(1),
     "≤2次/30天", "≤1次/30天", "latest"),
    ("robotics", "智能机器人·产线", "单件节拍", "秒", "lower", "absolute", D(120), None, D(100), D(90),
     "从120秒降至100秒以下", "从120秒降至90秒以下", "mean"),
    ("robotics", "智能机器人·产线", "良品率", "%", "higher", "absolute", None, None, D("99.5"), D("99.8"),
     "≥99.5%", "≥99.8%", "mean"),
    ("robotics", "智能机器人·产线", "平均无故障时间（MTBF）", "小时", "higher", "absolute", None, None, D(2000),
     D(4000), "≥2,000小时", "≥4,000小时", "latest"),
    ("new_materials", "新材料·性能验证", "克容量/能量密度", "mAh/g", "higher", "ratio", None, None, D(95), D(100),
     "达到客户目标的95%", "达到客户目标的100%+", "mean"),
    ("new_materials", "新材料·性能验证", "批次一致性（标准差）", "%", "lower", "ratio", None, None, D(120), None,
     "≤行业平均值的1.2倍", "与行业领先水平持平", "all"),
    ("low_altitude", "低空经济·动力系统", "功率密度", "W/kg", "higher", "ratio", None, None, D(90), D(100),
     "≥客户要求的90%", "≥客户要求的100%", "mean"),
    ("low_altitude", "低空经济·动力系统", "连续放电时长", "min", "higher", "ratio", None, None, D(80), D(100),
     "≥客户要求的80%", "≥客户要求的100%", "all"),
]


def load(apps, schema_editor):
    Guide = apps.get_model("poc", "CriterionGuide")
    for position, row in enumerate(ROWS, start=1):
        (industry, scenario, metric, unit, direction, form, baseline, reference, pass_level, excellent_level,
         pass_text, excellent_text, aggregation) = row
        Guide.objects.update_or_create(
            scenario=scenario, metric=metric,
            defaults=dict(industry=industry, unit=unit, direction=direction, form=form, baseline=baseline,
                          reference=reference, pass_level=pass_level, excellent_level=excellent_level,
                          pass_text=pass_text, excellent_text=excellent_text, aggregation=aggregation,
                          position=position * 10, active=True),
        )


def unload(apps, schema_editor):
    Guide = apps.get_model("poc", "CriterionGuide")
    Guide.objects.filter(scenario__in={r[1] for r in ROWS}, metric__in={r[2] for r in ROWS}).delete()


class Migration(migrations.Migration):
    dependencies = [("poc", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
