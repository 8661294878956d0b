"""Settings fragments of this app, merged by presales.settings. Plain data only (dotted
paths and numbers): this module is imported while settings load, before Django's apps."""

# drf-spectacular enum names for this app's choice classes: {"NameEnum": "presales.talent.choices.Class"}
ENUM_NAME_OVERRIDES: dict[str, str] = {
    "TalentReportRatingEnum": "presales.talent.choices.ReportRating",
    "TalentCertificationKindEnum": "presales.talent.choices.CertificationKind",
    "TalentTrainingKindEnum": "presales.talent.choices.TrainingKind",
    "TalentMentoringStatusEnum": "presales.talent.choices.MentoringStatus",
    "TalentOnboardingStatusEnum": "presales.talent.choices.OnboardingStatus",
    "TalentAwardRoundStatusEnum": "presales.talent.choices.AwardRoundStatus",
    # accounts' choice sets, used by the promotion fields (from/to level and track)
    "PresalesLevelEnum": "presales.accounts.choices.PresalesLevel",
    "CareerTrackEnum": "presales.accounts.choices.CareerTrack",
}
# Celery beat entries: {"name": {"task": "presales.talent.tasks.fn", "minutes": 15}} (every N minutes)
# or {"name": {"task": ..., "hour": 2, "minute": 30}} (daily).
BEAT_SCHEDULE: dict[str, dict] = {
    # Daily at 18:30 (CELERY_TIMEZONE); the task itself skips weekends.
    "talent-daily-report-reminders": {
        "task": "presales.talent.tasks.remind_missing_daily_reports",
        "hour": 18,
        "minute": 30,
    },
    # Daily at 09:00: certifications expiring within 60 days (one notice per certificate and week).
    "talent-certification-expiry": {
        "task": "presales.talent.tasks.warn_expiring_certifications",
        "hour": 9,
        "minute": 0,
    },
}
