"""Pages of the indicator library and schemes. Thin: fetch the scoped object, parse the form,
call the service, redirect or re-render with the field errors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from presales.core.errors import DomainError
from presales.core.views import FormPageMixin, ScopedDetailView, ScopedListView, attach_domain_error

from . import ahp, rules, services
from .choices import Dimension, SchemeStatus
from .filtersets import IndicatorFilterSet, SchemeFilterSet
from .forms import IndicatorForm, ReviewForm, SchemeCopyForm, SchemeForm, SchemeItemAddForm, TryRuleForm
from .models import Indicator, Scheme, SchemeItem
from .permissions import can_edit_library

# Saaty's scale for the AHP selects: value stored as a fraction string, label in words.
SAATY_CHOICES = [
    ("9", gettext_lazy("9 — extremely more important")),
    ("8", "8"),
    ("7", gettext_lazy("7 — very strongly more important")),
    ("6", "6"),
    ("5", gettext_lazy("5 — strongly more important")),
    ("4", "4"),
    ("3", gettext_lazy("3 — moderately more important")),
    ("2", "2"),
    ("1", gettext_lazy("1 — equally important")),
    ("1/2", "1/2"),
    ("1/3", gettext_lazy("1/3 — moderately less important")),
    ("1/4", "1/4"),
    ("1/5", gettext_lazy("1/5 — strongly less important")),
    ("1/6", "1/6"),
    ("1/7", gettext_lazy("1/7 — very strongly less important")),
    ("1/8", "1/8"),
    ("1/9", gettext_lazy("1/9 — extremely less important")),
]
SAATY_VALUES = {value for value, _label in SAATY_CHOICES}


def _rule_summary(indicator) -> str:
    try:
        return rules.describe(indicator.rule_type, indicator.rule_params, indicator.max_points)
    except DomainError:
        return "—"


class EditorRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_edit_library(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- indicators ----------------------------------------------------------------------------------


class IndicatorListView(ScopedListView):
    model = Indicator
    filterset_class = IndicatorFilterSet
    template_name = "kpi/indicator_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (super().get_queryset().prefetch_related("applicable_roles")
                .annotate(scheme_count=Count("scheme_items", distinct=True)).order_by("code"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        for indicator in ctx["object_list"]:
            indicator.rule_summary = _rule_summary(indicator)
        ctx["can_edit"] = can_edit_library(self.request.user)
        return ctx


class IndicatorDetailView(ScopedDetailView):
    model = Indicator
    template_name = "kpi/indicator_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("replaced_by").prefetch_related("applicable_roles")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        indicator = self.object
        ctx["rule_summary"] = _rule_summary(indicator)
        ctx["versions"] = indicator.versions.select_related("changed_by").order_by("-number")
        ctx["reviews"] = indicator.reviews.select_related("reviewer", "replaced_by").order_by("-at")
        ctx["schemes"] = Scheme.objects.visible_to(self.request.user).filter(items__indicator=indicator).distinct()
        ctx["replaces"] = indicator.replaces.all()
        ctx["can_edit"] = can_edit_library(self.request.user)
        ctx["try_form"] = TryRuleForm()
        return ctx


class IndicatorTryView(LoginRequiredMixin, View):
    """The "try the rule" box: GET ?value= → the score and its explanation (htmx partial)."""

    def get(self, request, pk):
        indicator = get_object_or_404(Indicator.objects.visible_to(request.user), pk=pk)
        form = TryRuleForm(request.GET)
        result = error = None
        if form.is_valid():
            try:
                result = services.indicator_try(indicator, form.cleaned_data["value"] or None)
            except DomainError as exc:
                error = exc.message
        return render(request, "kpi/partials/try_result.html", {"result": result, "error": error,
                                                                 "indicator": indicator})


class IndicatorCreateView(EditorRequiredMixin, FormPageMixin, TemplateView):
    page_title = gettext_lazy("New indicator")
    list_url_name = "kpi:indicator_list"
    template_name = "core/form_page.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", IndicatorForm())
        return ctx

    def post(self, request):
        form = IndicatorForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("version", None)
            try:
                indicator = services.indicator_create(actor=request.user, **data)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, _("Indicator %(code)s created.") % {"code": indicator.code})
                return HttpResponseRedirect(indicator.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class IndicatorEditView(EditorRequiredMixin, FormPageMixin, TemplateView):
    template_name = "core/form_page.html"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Indicator.objects.visible_to(request.user), pk=kwargs["pk"]) \
            if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(indicator)s") % {"indicator": self.object}
        ctx.setdefault("form", IndicatorForm(instance=self.object))
        ctx["object"] = self.object
        return ctx

    def post(self, request, pk):
        form = IndicatorForm(request.POST, instance=self.object)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            summary = data.pop("change_summary", "")
            try:
                services.indicator_update(actor=request.user, indicator=self.object, expected_version=version,
                                          change_summary=summary, **data)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, _("Indicator saved."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class IndicatorReviewView(EditorRequiredMixin, FormPageMixin, TemplateView):
    template_name = "core/form_page.html"
    submit_label = gettext_lazy("Record the review")

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(Indicator.objects.visible_to(request.user), pk=kwargs["pk"]) \
            if request.user.is_authenticated else None
        return super().dispatch(request, *args, **kwargs)

    def get_intro(self):
        return _("Quarterly review: keep an indicator that still works, replace a lagging one by a better one, or "
                 "retire it. Replace and retire take it out of use; schemes that use it must be changed.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Review %(indicator)s") % {"indicator": self.object}
        ctx.setdefault("form", ReviewForm(indicator=self.object, initial={"version": self.object.version}))
        return ctx

    def post(self, request, pk):
        form = ReviewForm(request.POST, indicator=self.object)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.indicator_review(
                    actor=request.user, indicator=self.object, quarter=data["quarter"], decision=data["decision"],
                    reason=data["reason"], replaced_by=data["replaced_by"], expected_version=data["version"],
                )
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, _("Review recorded."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


# --- schemes -------------------------------------------------------------------------------------


def _items_prefetch():
    return Prefetch("items", queryset=SchemeItem.objects.select_related("indicator").order_by("position", "pk"))


def group_items(scheme: Scheme, items) -> list[dict]:
    """The scheme's items grouped by dimension (in the dimension order), with sums."""
    dims = scheme.dimension_weights or {}
    order = list(dims) + [d for d in Dimension.values if d not in dims]
    groups = []
    for dim in order:
        members = [item for item in items if item.dimension == dim]
        if not members and dim not in dims:
            continue
        total = sum((item.weight for item in members), Decimal(0))
        target = Decimal(str(dims[dim])) if dim in dims else None
        groups.append({"dimension": dim, "label": Dimension(dim).label, "items": members, "total": total,
                       "target": target, "ok": target is None or total == target})
    return groups


class SchemeListView(ScopedListView):
    """The schemes, and the selected ones (default: the active ones) side by side."""

    model = Scheme
    filterset_class = SchemeFilterSet
    template_name = "kpi/scheme_list.html"

    def get_queryset(self):
        return (super().get_queryset().select_related("role").prefetch_related(_items_prefetch())
                .order_by("status", "code"))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        visible = Scheme.objects.visible_to(self.request.user)
        ids = [int(x) for x in self.request.GET.getlist("compare") if x.isdigit()]
        compared = visible.filter(pk__in=ids) if ids else visible.filter(status=SchemeStatus.ACTIVE)
        compared = list(compared.prefetch_related(_items_prefetch()).order_by("code")[:6])
        indicators: dict[int, Indicator] = {}
        for scheme in compared:
            scheme.weights_by_indicator = {item.indicator_id: item for item in scheme.items.all()}
            scheme.total = sum((item.weight for item in scheme.items.all()), Decimal(0))
            for item in scheme.items.all():
                indicators.setdefault(item.indicator_id, item.indicator)
        rows = []
        for indicator in sorted(indicators.values(), key=lambda i: i.code):
            rows.append({"indicator": indicator,
                         "cells": [scheme.weights_by_indicator.get(indicator.pk) for scheme in compared]})
        ctx.update(compared=compared, compare_rows=rows, compare_ids=[s.pk for s in compared],
                   can_edit=can_edit_library(self.request.user))
        return ctx


class SchemeDetailView(ScopedDetailView):
    """The scheme and, for editors, its editor: weights with a live sum, dimension totals, add or
    remove indicators, activate or retire, AHP."""

    model = Scheme
    template_name = "kpi/scheme_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("role").prefetch_related(_items_prefetch())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(scheme_context(self.request, self.object))
        return ctx


def scheme_context(request, scheme: Scheme, *, weight_errors=None, posted=None, add_form=None) -> dict:
    items = list(scheme.items.all())
    for item in items:
        item.rule_summary = _rule_summary(item.indicator)
        if posted is not None:
            item.posted_weight = posted.get(f"weight_{item.pk}", item.weight)
            item.posted_dimension = posted.get(f"dimension_{item.pk}", item.dimension)
        else:
            item.posted_weight = item.weight
            item.posted_dimension = item.dimension
        item.errors = (weight_errors or {}).get(f"weight_{item.pk}", []) + \
            (weight_errors or {}).get(f"dimension_{item.pk}", [])
    locked = scheme.is_locked()
    editable = can_edit_library(request.user) and not locked
    problems = services.weight_problems(scheme, items)
    ahp_dims = [(d, Dimension(d).label) for d in (scheme.dimension_weights or {})] or \
        sorted({(item.dimension, Dimension(item.dimension).label) for item in items})
    return {
        "scheme": scheme, "items": items, "groups": group_items(scheme, items),
        "total": sum((item.weight for item in items), Decimal(0)), "problems": problems,
        # as lists of messages: a {"items": …} dict would read as dict.items in a template
        "problem_messages": [m for msgs in problems.values() for m in msgs],
        "weight_error_messages": [m for msgs in (weight_errors or {}).values() for m in msgs],
        "weight_errors": weight_errors or {}, "locked": locked, "editable": editable,
        "can_edit": can_edit_library(request.user),
        "add_form": add_form or (SchemeItemAddForm(scheme=scheme, initial={"version": scheme.version})
                                 if editable else None),
        "dimension_choices": [(d, Dimension(d).label) for d in (scheme.dimension_weights or Dimension.values)],
        "ahp_runs": scheme.ahp_runs.select_related("by")[:5],
        "ahp_dimensions": ahp_dims,
    }


class SchemeCreateView(EditorRequiredMixin, FormPageMixin, TemplateView):
    page_title = gettext_lazy("New scheme")
    list_url_name = "kpi:scheme_list"
    template_name = "core/form_page.html"
    intro = gettext_lazy("Dimension weights are optional. When you give them they must sum to 100, and the "
                         "indicators counted in each dimension must then sum to that dimension's weight.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", SchemeForm())
        return ctx

    def post(self, request):
        form = SchemeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                scheme = services.scheme_create(
                    actor=request.user, name=data["name"], code=data["code"], description=data["description"],
                    role=data["role"], position=data["position"], dimension_weights=form.dimension_weights(),
                )
            except DomainError as exc:
                _attach_scheme_error(form, exc)
            else:
                messages.success(request, _("Scheme created. Now add its indicators and weights."))
                return HttpResponseRedirect(scheme.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


def _attach_scheme_error(form, exc: DomainError) -> None:
    if "dimension_weights" in (exc.errors or {}):
        for message in exc.errors["dimension_weights"]:
            form.add_error(None, message)
        exc = DomainError(exc.message, errors={k: v for k, v in exc.errors.items() if k != "dimension_weights"})
        if not exc.errors:
            return
    attach_domain_error(form, exc)


class SchemeObjectMixin(EditorRequiredMixin):
    """Loads the scheme (404 outside the scope) for editor-only views."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = get_object_or_404(
                Scheme.objects.visible_to(request.user).prefetch_related(_items_prefetch()), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class SchemeEditView(SchemeObjectMixin, FormPageMixin, TemplateView):
    template_name = "core/form_page.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit %(scheme)s") % {"scheme": self.object}
        ctx.setdefault("form", SchemeForm(instance=self.object))
        return ctx

    def post(self, request, pk):
        form = SchemeForm(request.POST, instance=self.object)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.scheme_update(
                    actor=request.user, scheme=self.object, expected_version=data["version"], name=data["name"],
                    code=data["code"], description=data["description"], role=data["role"],
                    position=data["position"], dimension_weights=form.dimension_weights(),
                )
            except DomainError as exc:
                _attach_scheme_error(form, exc)
            else:
                messages.success(request, _("Scheme saved."))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class SchemeWeightsView(SchemeObjectMixin, View):
    """POST of the editor: every item's weight (and dimension) at once."""

    def post(self, request, pk):
        scheme = self.object
        weights = {item.pk: request.POST.get(f"weight_{item.pk}", "") for item in scheme.items.all()}
        dimensions = {item.pk: request.POST[f"dimension_{item.pk}"] for item in scheme.items.all()
                      if f"dimension_{item.pk}" in request.POST}
        try:
            services.scheme_set_weights(actor=request.user, scheme=scheme, weights=weights, dimensions=dimensions,
                                        expected_version=_int(request.POST.get("version")))
        except DomainError as exc:
            errors = dict(exc.errors or {})
            if not errors:
                errors["__all__"] = [exc.message]
            ctx = scheme_context(request, scheme, weight_errors=errors, posted=request.POST)
            ctx["object"] = scheme
            return render(request, "kpi/scheme_detail.html", ctx, status=400)
        messages.success(request, _("Weights saved."))
        return HttpResponseRedirect(scheme.get_absolute_url())


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SchemeItemAddView(SchemeObjectMixin, View):
    def post(self, request, pk):
        scheme = self.object
        form = SchemeItemAddForm(request.POST, scheme=scheme)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.scheme_item_add(actor=request.user, scheme=scheme, indicator=data["indicator"],
                                         weight=data["weight"], dimension=data["dimension"],
                                         expected_version=data["version"])
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, _("Indicator added."))
                return HttpResponseRedirect(scheme.get_absolute_url())
        ctx = scheme_context(request, scheme, add_form=form)
        ctx["object"] = scheme
        return render(request, "kpi/scheme_detail.html", ctx, status=400)


class SchemeItemRemoveView(SchemeObjectMixin, View):
    def post(self, request, pk, item_pk):
        item = get_object_or_404(SchemeItem, pk=item_pk, scheme=self.object)
        try:
            services.scheme_item_remove(actor=request.user, item=item,
                                        expected_version=_int(request.POST.get("version")))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Indicator removed from the scheme."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class SchemeMoveView(SchemeObjectMixin, View):
    """Activate or retire (POST)."""

    action = "activate"

    def post(self, request, pk):
        fn = services.scheme_activate if self.action == "activate" else services.scheme_retire
        try:
            fn(actor=request.user, scheme=self.object, expected_version=_int(request.POST.get("version")))
        except DomainError as exc:
            for messages_list in (exc.errors or {"__all__": [exc.message]}).values():
                for message in messages_list:
                    messages.error(request, message)
        else:
            messages.success(request, _("Scheme activated.") if self.action == "activate" else _("Scheme retired."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class SchemeCopyView(SchemeObjectMixin, FormPageMixin, TemplateView):
    template_name = "core/form_page.html"
    submit_label = gettext_lazy("Copy")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Copy %(scheme)s") % {"scheme": self.object}
        ctx.setdefault("form", SchemeCopyForm(initial={"code": f"{self.object.code}-2",
                                                       "name": self.object.name}))
        return ctx

    def post(self, request, pk):
        form = SchemeCopyForm(request.POST)
        if form.is_valid():
            try:
                copy = services.scheme_copy(actor=request.user, scheme=self.object, **form.cleaned_data)
            except DomainError as exc:
                attach_domain_error(form, exc)
            else:
                messages.success(request, _("Copied as a draft."))
                return HttpResponseRedirect(copy.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form))


class SchemeAhpView(SchemeObjectMixin, TemplateView):
    """Pairwise comparison of the scheme's indicators (all, or one dimension's): the upper
    triangle as Saaty-scale selects; "compute" shows weights and CR, "apply" writes the weights."""

    template_name = "kpi/scheme_ahp.html"

    def scope(self, source):
        dimension = source.get("dimension", "")
        if dimension not in Dimension.values:
            dimension = ""
        if not dimension and self.object.dimension_weights:
            dimension = next(iter(self.object.dimension_weights))
        return dimension

    def get(self, request, pk):
        dimension = self.scope(request.GET)
        return self.render_to_response(self.build(dimension, None))

    def build(self, dimension, data, *, result=None, error=None, errors=None):
        scheme = self.object
        items = services.ahp_scope_items(scheme, dimension)
        n = len(items)
        rows = []
        for i in range(n):
            cells = []
            for j in range(n):
                name = f"a_{i}_{j}"
                if i < j:
                    value = (data or {}).get(name, "1")
                    cells.append({"kind": "input", "name": name, "value": value if value in SAATY_VALUES else "1"})
                elif i == j:
                    cells.append({"kind": "diag"})
                else:
                    cells.append({"kind": "mirror", "name": f"a_{j}_{i}"})
            rows.append({"item": items[i], "cells": cells})
        total = services.ahp_scope_total(scheme, dimension, items)
        preview = []
        if result is not None:
            percentages = ahp.to_percentages(result.weights, total)
            for item, w, pct in zip(items, result.weights, percentages, strict=True):
                preview.append({"item": item, "weight": w, "percent": pct})
        dims = scheme.dimension_weights or {}
        dimension_options = [(d, Dimension(d).label) for d in dims] if dims else \
            [("", _("All indicators of the scheme"))] + sorted(
                {(item.dimension, Dimension(item.dimension).label) for item in scheme.items.all()})
        return {
            "scheme": scheme, "object": scheme, "items": items, "rows": rows, "n": n, "dimension": dimension,
            "dimension_label": Dimension(dimension).label if dimension else _("All indicators of the scheme"),
            "dimension_options": dimension_options, "saaty_choices": SAATY_CHOICES, "result": result,
            "preview": preview, "total": total, "error": error, "errors": errors or [],
            "editable": not scheme.is_locked(), "cr_limit": ahp.CR_LIMIT,
            "chart": [{"name": p["item"].indicator.name, "value": float(p["percent"])} for p in preview],
        }

    def post(self, request, pk):
        dimension = self.scope(request.POST)
        items = services.ahp_scope_items(self.object, dimension)
        n = len(items)
        upper = {}
        for i in range(n):
            for j in range(i + 1, n):
                raw = request.POST.get(f"a_{i}_{j}", "1")
                if raw not in SAATY_VALUES:
                    raw = "1"
                upper[(i, j)] = Fraction(raw)
        try:
            matrix = ahp.matrix_from_upper(n, upper)
            if request.POST.get("action") == "apply":
                run = services.scheme_apply_ahp(actor=request.user, scheme=self.object, matrix=matrix,
                                                dimension=dimension,
                                                expected_version=_int(request.POST.get("version")))
                messages.success(request, _("AHP weights applied (CR = %(cr).3f).") % {"cr": run.consistency_ratio})
                return HttpResponseRedirect(self.object.get_absolute_url())
            if n < 2:
                raise DomainError(_("Compare at least two indicators."), field="matrix")
            result = ahp.analyse(matrix)
        except DomainError as exc:
            result = getattr(exc, "result", None)
            ctx = self.build(dimension, request.POST, result=result, error=exc.message,
                             errors=(exc.errors or {}).get("matrix", []))
            return self.render_to_response(ctx, status=400)
        return self.render_to_response(self.build(dimension, request.POST, result=result))


def indicator_list_url() -> str:
    return reverse("kpi:indicator_list")
