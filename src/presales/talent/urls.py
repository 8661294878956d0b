from django.urls import path

from . import views

app_name = "talent"

urlpatterns = [
    # daily reports
    path("", views.DailyReportListView.as_view(), name="daily_report_list"),
    path("reports/team/", views.TeamReportListView.as_view(), name="daily_report_team"),
    path("reports/new/", views.DailyReportCreateView.as_view(), name="daily_report_create"),
    path("reports/<int:pk>/", views.DailyReportDetailView.as_view(), name="daily_report_detail"),
    path("reports/<int:pk>/edit/", views.DailyReportUpdateView.as_view(), name="daily_report_edit"),
    path("reports/<int:pk>/rate/", views.DailyReportRateView.as_view(), name="daily_report_rate"),
    # certifications
    path("certifications/", views.CertificationListView.as_view(), name="certification_list"),
    path("certifications/new/", views.CertificationCreateView.as_view(), name="certification_create"),
    path("certifications/<int:pk>/", views.CertificationDetailView.as_view(), name="certification_detail"),
    path("certifications/<int:pk>/edit/", views.CertificationUpdateView.as_view(), name="certification_edit"),
    # trainings
    path("trainings/", views.TrainingListView.as_view(), name="training_list"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
    path("trainings/<int:pk>/edit/", views.TrainingUpdateView.as_view(), name="training_edit"),
    path(
        "trainings/<int:pk>/attendees/", views.TrainingAttendeeAddView.as_view(), name="training_attendee_add"
    ),
    path("trainings/<int:pk>/scores/", views.TrainingScoresView.as_view(), name="training_scores"),
    path("attendances/<int:pk>/remove/", views.AttendanceRemoveView.as_view(), name="attendance_remove"),
    # mentoring
    path("mentoring/", views.MentoringListView.as_view(), name="mentoring_list"),
    path("mentoring/new/", views.MentoringCreateView.as_view(), name="mentoring_create"),
    path("mentoring/<int:pk>/", views.MentoringDetailView.as_view(), name="mentoring_detail"),
    path("mentoring/<int:pk>/edit/", views.MentoringUpdateView.as_view(), name="mentoring_edit"),
    path("mentoring/<int:pk>/close/", views.MentoringCloseView.as_view(), name="mentoring_close"),
    path("mentoring/<int:pk>/notes/", views.MentoringNoteView.as_view(), name="mentoring_note_add"),
    # onboarding camp
    path("onboarding/", views.OnboardingListView.as_view(), name="onboarding_list"),
    path("onboarding/new/", views.OnboardingCreateView.as_view(), name="onboarding_create"),
    path("onboarding/<int:pk>/", views.OnboardingDetailView.as_view(), name="onboarding_detail"),
    path("onboarding/<int:pk>/tasks/", views.OnboardingTaskAddView.as_view(), name="onboarding_task_add"),
    path("onboarding/<int:pk>/complete/", views.OnboardingCompleteView.as_view(), name="onboarding_complete"),
    path(
        "onboarding-tasks/<int:pk>/toggle/",
        views.OnboardingTaskToggleView.as_view(),
        name="onboarding_task_toggle",
    ),
    # promotions and profiles
    path("promotions/", views.PromotionListView.as_view(), name="promotion_list"),
    path("promotions/new/", views.PromotionCreateView.as_view(), name="promotion_create"),
    path("people/me/", views.MyProfileView.as_view(), name="my_profile"),
    path("people/<int:pk>/", views.ProfileView.as_view(), name="profile"),
    # gold presales award
    path("awards/", views.AwardRoundListView.as_view(), name="award_round_list"),
    path("awards/new/", views.AwardRoundCreateView.as_view(), name="award_round_create"),
    path("awards/<int:pk>/", views.AwardRoundDetailView.as_view(), name="award_round_detail"),
    path("awards/<int:pk>/move/", views.AwardRoundMoveView.as_view(), name="award_round_move"),
    path("awards/<int:pk>/nominate/", views.NominationCreateView.as_view(), name="nomination_create"),
    path("nominations/<int:pk>/", views.NominationDetailView.as_view(), name="nomination_detail"),
    path("nominations/<int:pk>/score/", views.NominationScoreView.as_view(), name="nomination_score"),
]
