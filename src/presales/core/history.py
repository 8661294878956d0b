"""A record's change history (django-simple-history), as a page any detail page can link to.

Only models listed in HISTORY_MODELS are served, and only through their `visible_to(user)` scope:
a record the user cannot see answers 404 here too."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

HISTORY_MODELS = {
    "customers.customer",
    "customers.contact",
    "customers.communicationlog",
    "customers.technicalissue",
    "customers.complaint",
    "customers.satisfactionsurvey",
    "customers.feedbackitem",
    "opportunities.opportunity",
    "opportunities.retrospective",
    "opportunities.handover",
    "support.supportrequest",
    "poc.poc",
    "poc.kickoffmeeting",
    "poc.successcriterion",
    "poc.resourceitem",
    "poc.risk",
    "poc.incident",
    "poc.scopechange",
    "poc.syncnote",
    "poc.postmortem",
    "poc.readinessanswer",
    "poc.criterionguide",
    "documents.document",
    "documents.documentcategory",
}


def history_models() -> set[str]:
    """HISTORY_MODELS plus the models each later app lists in its AppConfig.history_models."""
    extra = {name for config in apps.get_app_configs() for name in getattr(config, "history_models", ())}
    return HISTORY_MODELS | extra


def field_changes(record, previous) -> list[dict]:
    """The fields that changed between two history rows, with readable old and new values."""
    if previous is None:
        return []
    model = record.instance_type
    # Many-to-many history would cost two queries per row: it stays in the history tables and the
    # admin's history view, and is left out of this page.
    m2m = [f.name for f in model._meta.many_to_many]
    delta = record.diff_against(previous, excluded_fields=m2m)
    rows = []
    for change in delta.changes:
        try:
            field = model._meta.get_field(change.field)
            label = field.verbose_name
        except Exception:  # noqa: BLE001 - m2m or removed field: show its name
            field, label = None, change.field
        rows.append({"field": label, "old": _display(field, change.old), "new": _display(field, change.new)})
    return rows


def _display(field, value):
    if field is not None and getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, list):  # m2m: list of through-row dicts
        return ", ".join(str(v) for row in value for k, v in row.items() if k not in ("id",)) or "—"
    return "—" if value in (None, "") else value


class HistoryView(LoginRequiredMixin, TemplateView):
    template_name = "core/history.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        label = self.kwargs["model"].lower()
        if label not in history_models():
            raise Http404
        model = apps.get_model(label)
        obj = get_object_or_404(model._default_manager.visible_to(self.request.user), pk=self.kwargs["pk"])
        records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
        page = Paginator(records, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        # the row just older than the last one on this page, to diff it too
        older = records.filter(history_date__lt=rows[-1].history_date).first() if rows else None
        entries = []
        for i, record in enumerate(rows):
            previous = rows[i + 1] if i + 1 < len(rows) else older
            entries.append({"record": record, "changes": field_changes(record, previous)})
        ctx.update(object=obj, model_name=model._meta.verbose_name, entries=entries, page_obj=page)
        return ctx
