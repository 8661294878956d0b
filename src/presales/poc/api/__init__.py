from .views import (
    CriterionViewSet,
    GuideViewSet,
    IncidentViewSet,
    MeasurementViewSet,
    PocViewSet,
    ResourceViewSet,
    RiskViewSet,
    ScopeChangeViewSet,
    SyncNoteViewSet,
)


def register(router) -> None:
    router.register("pocs", PocViewSet, basename="poc")
    router.register("poc-criteria", CriterionViewSet, basename="poc-criterion")
    router.register("poc-resources", ResourceViewSet, basename="poc-resource")
    router.register("poc-risks", RiskViewSet, basename="poc-risk")
    router.register("poc-measurements", MeasurementViewSet, basename="poc-measurement")
    router.register("poc-incidents", IncidentViewSet, basename="poc-incident")
    router.register("poc-scope-changes", ScopeChangeViewSet, basename="poc-scope-change")
    router.register("poc-sync-notes", SyncNoteViewSet, basename="poc-sync-note")
    router.register("poc-guide", GuideViewSet, basename="poc-guide")
