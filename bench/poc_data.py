"""Add the POC data set of issue 15 to a `presales bench` database: one POC per opportunity (up
to --pocs, default 1,000) with 3 success criteria each, and two log-ins for the speed benchmarks:
`bench_manager` (sees everything) and `bench_engineer` (a presales engineer who sees his team's
work: the visibility filter is exercised). Both get the password `bench12345` and an API token.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/presales_bench_1000 \
        .venv/bin/python bench/poc_data.py --pocs 1000

Idempotent: POCs already there are kept, tokens and passwords are reset.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import timedelta
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
os.environ.setdefault("PRESALES_ALLOW_INSECURE_KEY", "1")

PASSWORD = "bench12345"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pocs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from presales.accounts.choices import RoleCode
    from presales.accounts.models import Role, User
    from presales.opportunities.models import Opportunity
    from presales.poc.choices import Direction, Status
    from presales.poc.models import Poc, SuccessCriterion

    rng = random.Random(args.seed)
    now = timezone.now()
    with transaction.atomic():
        manager = User.objects.get(username="bench_manager")
        engineer = User.objects.filter(username="bench_engineer").first()
        if engineer is None:
            engineer = User.objects.create(username="bench_engineer", display_name="基准工程师",
                                           team=manager.team, presales_level="")
            engineer.roles.add(Role.objects.get(code=RoleCode.PRESALES_ENGINEER))
        hashed = make_password(PASSWORD)
        User.objects.filter(pk__in=[manager.pk, engineer.pk]).update(password=hashed)
        for user in (manager, engineer):
            Token.objects.get_or_create(user=user)
        have = Poc.objects.count()
        missing = max(0, args.pocs - have)
        opps = list(Opportunity.objects.exclude(pocs__isnull=False).order_by("pk")
                    .values_list("pk", "customer_id", "name")[:missing])
        year = now.year
        pocs = []
        for i, (opp_id, customer_id, name) in enumerate(opps, start=have + 1):
            start = (now - timedelta(days=rng.randint(0, 300))).date()
            pocs.append(Poc(number=f"POC-B{year}-{i:05d}", opportunity_id=opp_id, customer_id=customer_id,
                            title=f"{name} 概念验证"[:200], our_company="示例科技有限公司", industry="",
                            hypotheses=["证明方案在客户场景下达到性能目标"], planned_start_on=start,
                            planned_end_on=start + timedelta(days=30), status=rng.choice(Status.values),
                            our_escalation_contact="王工", our_escalation_phone="13800000000",
                            response_hours=4, created_by_id=manager.pk))
        Poc.objects.bulk_create(pocs, batch_size=2000)
        criteria = []
        for poc in pocs:
            for j, (metric, unit, direction) in enumerate(
                    [("响应时间", "ms", Direction.LOWER), ("吞吐量", "TPS", Direction.HIGHER),
                     ("识别准确率", "%", Direction.HIGHER)]):
                pass_level = Decimal(rng.randint(50, 200))
                criteria.append(SuccessCriterion(
                    poc=poc, position=j, name=metric, is_key=j < 2, unit=unit, direction=direction,
                    pass_level=pass_level,
                    excellent_level=pass_level * (Decimal("0.8") if direction == Direction.LOWER else Decimal("1.2")),
                    sampling_frequency="每日", sample_size=5, created_by_id=manager.pk))
        SuccessCriterion.objects.bulk_create(criteria, batch_size=3000)
    print(f"POCs: {Poc.objects.count():,}, criteria: {SuccessCriterion.objects.count():,}; "
          f"users bench_manager / bench_engineer, password {PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
