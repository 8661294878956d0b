def register(router) -> None:
    """Register this app's viewsets on the shared API router."""
    from .views import (
        AttendanceViewSet,
        AwardNominationViewSet,
        AwardRoundViewSet,
        CertificationViewSet,
        DailyReportViewSet,
        MentoringPairViewSet,
        OnboardingTaskViewSet,
        OnboardingViewSet,
        PromotionViewSet,
        TrainingViewSet,
    )

    router.register("talent-daily-reports", DailyReportViewSet, basename="talent-daily-report")
    router.register("talent-certifications", CertificationViewSet, basename="talent-certification")
    router.register("talent-trainings", TrainingViewSet, basename="talent-training")
    router.register("talent-training-attendances", AttendanceViewSet, basename="talent-training-attendance")
    router.register("talent-mentoring-pairs", MentoringPairViewSet, basename="talent-mentoring-pair")
    router.register("talent-onboarding", OnboardingViewSet, basename="talent-onboarding")
    router.register("talent-onboarding-tasks", OnboardingTaskViewSet, basename="talent-onboarding-task")
    router.register("talent-promotions", PromotionViewSet, basename="talent-promotion")
    router.register("talent-award-rounds", AwardRoundViewSet, basename="talent-award-round")
    router.register("talent-award-nominations", AwardNominationViewSet, basename="talent-award-nomination")
