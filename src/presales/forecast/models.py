"""The win-probability model (SPEC §7, predictive indicators): a trained model is data — its
version, training date, sample size, features, parameters and its evaluation on a time-ordered
holdout — and every estimate says which model made it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from presales.opportunities.models import Opportunity


class WinModelQuerySet(models.QuerySet):
    def current(self):
        """The newest model (the one whose estimates are shown), or None."""
        return self.order_by("-version").first()


class WinModel(models.Model):
    """One trained logistic regression. `params` holds everything needed to score an opportunity
    without unpickling anything (one-hot categories, the scaler's means and scales, coefficients,
    intercept); `evaluation` and `calibration` were computed on the holdout — the most recent
    closed opportunities by close time, which the fit never saw."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    trained_at = models.DateTimeField(_("trained at"), editable=False)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    algorithm = models.CharField(_("algorithm"), max_length=32, default="logistic_regression", editable=False)
    sample_size = models.PositiveIntegerField(
        _("sample size"),
        editable=False,
        help_text=_("Closed opportunities (won or lost) used: training + holdout."),
    )
    train_size = models.PositiveIntegerField(_("training set size"), editable=False)
    holdout_size = models.PositiveIntegerField(_("holdout size"), editable=False)
    won_count = models.PositiveIntegerField(_("won in the sample"), editable=False)
    train_closed_until = models.DateTimeField(_("training data closed until"), editable=False)
    holdout_closed_from = models.DateTimeField(_("holdout closed from"), editable=False)
    holdout_closed_until = models.DateTimeField(_("holdout closed until"), editable=False)
    features = models.JSONField(_("features"), default=list, editable=False)
    params = models.JSONField(_("model parameters"), default=dict, editable=False)
    auc = models.FloatField(_("AUC on the holdout"), null=True, blank=True, editable=False)
    brier = models.FloatField(_("Brier score on the holdout"), editable=False)
    baseline_brier = models.FloatField(_("Brier score of the constant baseline"), editable=False)
    base_rate = models.FloatField(_("win rate in the training set"), editable=False)
    holdout_win_rate = models.FloatField(_("win rate in the holdout"), editable=False)
    calibration = models.JSONField(_("calibration"), default=list, editable=False)
    predictions_count = models.PositiveIntegerField(
        _("open opportunities estimated"), default=0, editable=False
    )

    objects = WinModelQuerySet.as_manager()

    class Meta:
        verbose_name = _("win-probability model")
        verbose_name_plural = _("win-probability models")
        ordering = ["-version"]

    def __str__(self) -> str:
        return str(_("Win model v%(version)s") % {"version": self.version})


class PredictionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An estimate is visible exactly when its opportunity is."""
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))

    def current(self):
        """The estimates of the newest model."""
        return self.filter(model_id=models.Subquery(WinModel.objects.order_by("-version").values("pk")[:1]))


class Prediction(models.Model):
    """The estimated probability that an open opportunity is won, by one model, with the factors
    that moved it most: a list of {"feature", "value", "contribution"} (signed log-odds shift
    against the average opportunity of the training set), rendered in the reader's language."""

    model = models.ForeignKey(
        WinModel, verbose_name=_("model"), on_delete=models.CASCADE, related_name="predictions"
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE, related_name="win_predictions"
    )
    probability = models.FloatField(_("win probability"))
    factors = models.JSONField(_("main factors"), default=list)
    created_at = models.DateTimeField(_("estimated at"), auto_now_add=True)

    objects = PredictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("win-probability estimate")
        verbose_name_plural = _("win-probability estimates")
        ordering = ["-probability", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["model", "opportunity"], name="forecast_prediction_unique"),
            models.CheckConstraint(
                condition=models.Q(probability__gte=0) & models.Q(probability__lte=1),
                name="forecast_probability_range",
                violation_error_message=_("A probability lies between 0 and 1."),
            ),
        ]
        indexes = [models.Index(fields=["opportunity", "model"])]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.probability:.2f}"
