"""One router for the whole API: each app registers its viewsets in `<app>/api/__init__.py`."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from presales.accounts import api as accounts_api
from presales.customers import api as customers_api
from presales.documents import api as documents_api
from presales.notifications import api as notifications_api
from presales.opportunities import api as opportunities_api
from presales.poc import api as poc_api
from presales.support import api as support_api

router = DefaultRouter()
for module in (
    accounts_api,
    notifications_api,
    customers_api,
    opportunities_api,
    support_api,
    poc_api,
    documents_api,
):
    module.register(router)

api_urlpatterns = [
    path("auth/token/", accounts_api.ObtainTokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
