"""Forecast pages: the model (its evaluation, the weighted pipeline, the open opportunities'
estimates) and the traits of high-value customers. Managers, team leads and the committee
(403 for others); the figures read only what the viewer may see."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from . import learning, permissions, selectors
from .features import FEATURE_LABELS
from .services import training_status

PREDICTIONS_PER_PAGE = 25


class ModelPermissionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_view_model(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def feature_weights(model) -> list[dict]:
    """Each feature's weight in the model: the largest |coefficient| among its encoded columns
    (per standard deviation), signed, most influential first."""
    best: dict[str, float] = {}
    for (name, _category), coef in zip(model.params["columns"], model.params["coef"], strict=True):
        if abs(coef) > abs(best.get(name, 0.0)):
            best[name] = coef
    return [
        {"feature": name, "label": str(FEATURE_LABELS.get(name, name)), "weight": round(value, 3)}
        for name, value in sorted(best.items(), key=lambda kv: -abs(kv[1]))
    ]


class ModelView(ModelPermissionMixin, TemplateView):
    template_name = "forecast/model.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        model = selectors.current_model()
        ctx["model"] = model
        ctx["status"] = training_status()
        ctx["pipeline"] = selectors.weighted_pipeline(user)
        if model is not None:
            page = Paginator(
                selectors.predictions(user=user, model=model)
                .select_related("opportunity", "opportunity__customer")
                .only(
                    "pk",
                    "probability",
                    "factors",
                    "model__version",
                    "opportunity__id",
                    "opportunity__number",
                    "opportunity__name",
                    "opportunity__stage",
                    "opportunity__estimated_amount",
                    "opportunity__customer__name",
                ),
                PREDICTIONS_PER_PAGE,
            ).get_page(self.request.GET.get("page"))
            for prediction in page.object_list:
                prediction.explained = selectors.explained(prediction.factors[:3])
            ctx["page_obj"] = page
            ctx["weights"] = feature_weights(model)
            ctx["history"] = list(
                type(model)
                .objects.order_by("-version")
                .only("version", "trained_at", "sample_size", "auc", "brier", "baseline_brier")[:10]
            )
            ctx["chart"] = {
                "bins": model.calibration,
                "holdout_win_rate": model.holdout_win_rate,
                "base_rate": model.base_rate,
                "bin_count": learning.CALIBRATION_BINS,
            }
            ctx["brier_gain"] = (
                (model.baseline_brier - model.brier) / model.baseline_brier if model.baseline_brier else None
            )
        ctx["pipeline_chart"] = {
            "labels": [str(s["label"]) for s in ctx["pipeline"]["stages"]],
            "amount": [float(s["amount"]) for s in ctx["pipeline"]["stages"]],
            "weighted": [float(s["weighted_amount"]) for s in ctx["pipeline"]["stages"]],
        }
        return ctx


class TraitsView(LoginRequiredMixin, TemplateView):
    template_name = "forecast/traits.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_view_traits(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        data = selectors.customer_traits(self.request.user)
        ctx.update(data)
        ctx["chart"] = {
            "traits": [
                {
                    "label": t["label"],
                    "values": [v["label"] for v in t["values"]],
                    "win_rate": [round((v["win_rate"] or 0) * 100, 1) for v in t["values"]],
                    "won_amount": [float(v["won_amount"]) for v in t["values"]],
                }
                for t in data["traits"]
            ],
        }
        return ctx
