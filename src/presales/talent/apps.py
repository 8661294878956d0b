from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "presales.talent"
    label = "talent"
    verbose_name = _("Talent")
    # Models whose change history is served by core.history (lower-case "app.model").
    history_models: tuple[str, ...] = (
        "talent.dailyreport",
        "talent.certification",
        "talent.training",
        "talent.trainingattendance",
        "talent.mentoringpair",
        "talent.mentoringnote",
        "talent.onboardingprogramme",
        "talent.onboardingtask",
        "talent.promotion",
        "talent.awardround",
        "talent.awardnomination",
        "talent.awardscore",
    )
