"""Pages: the list of metric definitions with a person's values, and the drill-down of one
metric for one person and period. Whose metrics a viewer may see: `permissions.can_view_person`
(404 for anybody else, like a person who does not exist)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import TemplateView

from .forms import PeriodForm
from .permissions import can_view_person, sees_everyone, viewable_people
from .registry import METRICS, compute_many

RECORDS_PER_PAGE = 50


def _person(viewer, user_id):
    User = get_user_model()
    try:
        person = User.objects.get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_view_person(viewer, person):
        raise Http404
    return person


class OverviewView(LoginRequiredMixin, TemplateView):
    """Every metric: definition, unit, source, availability; and the values of one person (the
    viewer by default) for a period, each linked to its drill-down."""

    template_name = "metrics/overview.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        viewer = self.request.user
        raw_user = self.request.GET.get("user")
        person = _person(viewer, raw_user) if raw_user else viewer
        form = PeriodForm(self.request.GET)
        values = {}
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            values = compute_many(METRICS, [person.pk], start, end)
        rows = []
        for metric in METRICS.values():
            available = metric.is_available()
            rows.append(
                {"metric": metric, "available": available, "value": values.get((metric.code, person.pk))}
            )
        people = None
        if sees_everyone(viewer) or viewer.led_team_ids:
            people = viewable_people(viewer).filter(is_active=True).order_by("team__name", "username")[:500]
        ctx.update(form=form, person=person, rows=rows, people=people)
        return ctx


class DrilldownView(LoginRequiredMixin, TemplateView):
    """One metric for one person and period: the definition, the value with its numerator and
    denominator, and the source records with what each contributes (paginated)."""

    template_name = "metrics/drilldown.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        metric = METRICS.get(self.kwargs["code"])
        if metric is None:
            raise Http404
        person = _person(self.request.user, self.kwargs["user_id"])
        form = PeriodForm(self.request.GET)
        available = metric.is_available()
        value = page = None
        if available and form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            value = metric.compute([person.pk], start, end)[person.pk]
            page = Paginator(metric.records(person, start, end), RECORDS_PER_PAGE).get_page(
                self.request.GET.get("page")
            )
        ctx.update(
            metric=metric,
            person=person,
            form=form,
            available=available,
            value=value,
            page_obj=page,
            records=page.object_list if page else [],
        )
        return ctx
