"""The starting indicator library and the two schemes of the seeds (presales.kpi.seed)."""

from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):
    from presales.kpi import seed

    Indicator = apps.get_model("kpi", "Indicator")
    IndicatorVersion = apps.get_model("kpi", "IndicatorVersion")
    Scheme = apps.get_model("kpi", "Scheme")
    SchemeItem = apps.get_model("kpi", "SchemeItem")
    Role = apps.get_model("accounts", "Role")
    roles = {code: Role.objects.get_or_create(code=code)[0] for code in (seed.ENGINEER, seed.MANAGER)}
    by_code = {}
    for data in seed.INDICATORS:
        if Indicator.objects.filter(code=data["code"]).exists():
            by_code[data["code"]] = Indicator.objects.get(code=data["code"])
            continue
        indicator = Indicator.objects.create(
            code=data["code"], name=data["name"], dimension=data["dimension"], definition=data["definition"],
            data_source=data["data_source"], metric_code=data["metric_code"], unit=data["unit"],
            rule_type=data["rule_type"], rule_params=data["rule_params"], max_points=Decimal(data["max_points"]),
            evaluation_sources=data["sources"], status="active", version=1,
        )
        indicator.applicable_roles.set([roles[code] for code in data["roles"]])
        IndicatorVersion.objects.create(
            indicator=indicator, number=1, snapshot=seed.indicator_snapshot(indicator, data["roles"]),
            change_summary="Seed library",
        )
        by_code[data["code"]] = indicator
    for data in seed.SCHEMES:
        if Scheme.objects.filter(code=data["code"]).exists():
            continue
        scheme = Scheme.objects.create(
            code=data["code"], name=data["name"], description=data["description"], role=roles[data["role"]],
            position=data["position"], status="active", dimension_weights=data["dimension_weights"], version=1,
        )
        for position, (code, weight, dimension) in enumerate(data["items"], start=1):
            indicator = by_code[code]
            SchemeItem.objects.create(
                scheme=scheme, indicator=indicator, weight=Decimal(weight),
                dimension=dimension or indicator.dimension, position=position,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("kpi", "0001_initial"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
