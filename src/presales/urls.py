from django.contrib import admin
from django.urls import include, path

from presales.core.api_urls import api_urlpatterns
from presales.core.schema_views import docs_view, schema_view
from presales.insights import views as insights_views

urlpatterns = [
    # The API first: its requests are the most frequent, and its router's patterns are tried only
    # for paths under api/ (the pages' prefixes are each one failed match for an API request).
    path("api/schema/", schema_view, name="api-schema"),
    path("api/docs/", docs_view, name="api-docs"),
    path("api/", include(api_urlpatterns)),
    path("", insights_views.home, name="home"),
    path("accounts/", include("presales.accounts.urls")),
    path("customers/", include("presales.customers.urls")),
    path("opportunities/", include("presales.opportunities.urls")),
    path("support/", include("presales.support.urls")),
    path("poc/", include("presales.poc.urls")),
    path("insights/", include("presales.insights.urls")),
    path("records/", include("presales.core.urls")),
    path("notifications/", include("presales.notifications.urls")),
    path("documents/", include("presales.documents.urls")),
    path("discovery/", include("presales.discovery.urls")),
    path("solutions/", include("presales.solutions.urls")),
    path("demos/", include("presales.demos.urls")),
    path("bids/", include("presales.bids.urls")),
    path("kpi/", include("presales.kpi.urls")),
    path("metrics/", include("presales.metrics.urls")),
    path("appraisal/", include("presales.appraisal.urls")),
    path("talent/", include("presales.talent.urls")),
    path("knowledge/", include("presales.knowledge.urls")),
    path("forecast/", include("presales.forecast.urls")),
    path("imports/", include("presales.imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# A lost database connection answers 503 (and recovers), anything else 500.
handler500 = "presales.core.error_views.server_error"

# Uploaded files are never served from MEDIA_URL, not even in DEBUG: every download goes through a
# view that checks access (documents, POC exports).
