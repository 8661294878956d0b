"""Micro-benchmark of the filter bars (issue 15): CPU per render of the filter bar of the
opportunity list (a valid and an invalid query), the board, the support list and the customer
list, in-process, as bench_manager, zh-hans: the filter set built and validated, its partial
rendered. Compare two trees in one run by switching PYTHONPATH:

    PYTHONPATH=<tree>/src DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/filter_bar.py 300
    PROF=opportunity ... .venv/bin/python bench/filter_bar.py 100   # and a cProfile of that bar
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "presales.settings")
django.setup()

from django.template.loader import get_template  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from presales.accounts.models import User  # noqa: E402
from presales.customers.filtersets import CustomerFilterSet  # noqa: E402
from presales.customers.models import Customer  # noqa: E402
from presales.opportunities.filtersets import BoardFilterSet, OpportunityFilterSet  # noqa: E402
from presales.opportunities.models import Opportunity  # noqa: E402
from presales.support.filtersets import SupportRequestFilterSet  # noqa: E402
from presales.support.models import SupportRequest  # noqa: E402

OPPORTUNITY_BAR = "opportunities/partials/filters.html"
LIST_BAR = "core/partials/filter_form.html"
CASES = {
    "opportunity": (OpportunityFilterSet, Opportunity, "/opportunities/?stage=qualification&q=",
                    OPPORTUNITY_BAR),
    "opportunity_bad": (OpportunityFilterSet, Opportunity,
                        "/opportunities/?stage=bogus&team=999999&created_since=notadate", OPPORTUNITY_BAR),
    "board": (BoardFilterSet, Opportunity, "/opportunities/board/", OPPORTUNITY_BAR),
    "support": (SupportRequestFilterSet, SupportRequest, "/support/", LIST_BAR),
    "customers": (CustomerFilterSet, Customer, "/customers/", LIST_BAR),
}


def main(repeat: int) -> None:
    user = User.objects.get(username="bench_manager")
    translation.activate("zh-hans")
    for name, (filterset_class, model, path, template_name) in CASES.items():
        template = get_template(template_name)
        request = RequestFactory().get(path)
        request.user = user

        def once(filterset_class=filterset_class, model=model, request=request, template=template):
            filterset = filterset_class(request.GET or None, queryset=model.objects.all(), request=request)
            if filterset.is_bound:
                filterset.is_valid()
            return template.render({"filterset": filterset, "request": request, "target": "#results"})

        for _ in range(5):
            once()
        samples = []
        for _ in range(repeat):
            started = time.process_time()
            once()
            samples.append(time.process_time() - started)
        print(f"{name}: filter bar CPU mean {1000 * sum(samples) / repeat:.2f} ms, "
              f"median {1000 * statistics.median(samples):.2f} ms")
        if os.environ.get("PROF") == name:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.enable()
            for _ in range(100):
                once()
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
