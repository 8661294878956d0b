"""One router for the whole API: each app registers its viewsets in `<app>/api/__init__.py`."""

from django.urls import path
from django.urls.resolvers import RoutePattern
from rest_framework.routers import DefaultRouter

from presales.accounts import api as accounts_api
from presales.appraisal import api as appraisal_api
from presales.bids import api as bids_api
from presales.core.routing import IndexedResolver
from presales.customers import api as customers_api
from presales.demos import api as demos_api
from presales.discovery import api as discovery_api
from presales.documents import api as documents_api
from presales.forecast import api as forecast_api
from presales.knowledge import api as knowledge_api
from presales.kpi import api as kpi_api
from presales.metrics import api as metrics_api
from presales.notifications import api as notifications_api
from presales.opportunities import api as opportunities_api
from presales.poc import api as poc_api
from presales.solutions import api as solutions_api
from presales.support import api as support_api
from presales.talent import api as talent_api

router = DefaultRouter()
for module in (
    accounts_api,
    notifications_api,
    customers_api,
    opportunities_api,
    support_api,
    poc_api,
    documents_api,
    discovery_api,
    solutions_api,
    demos_api,
    bids_api,
    kpi_api,
    metrics_api,
    appraisal_api,
    talent_api,
    knowledge_api,
    forecast_api,
):
    module.register(router)

api_urlpatterns = [
    path("auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    # path("", include(router.urls)), trying only the patterns of the path's first word (core.routing).
    IndexedResolver(RoutePattern(""), router.urls),
]
