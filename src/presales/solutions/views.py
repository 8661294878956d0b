"""Solution pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

import difflib

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedMixin,
    ScopedObjectFormView,
    ServiceFormView,
)
from presales.opportunities.models import Opportunity

from . import exports, permissions, selectors, services
from .choices import Status
from .filtersets import SolutionFilterSet
from .forms import (
    DecisionForm,
    DepartmentForm,
    ReasonForm,
    SectionForm,
    SolutionForm,
    SubmitForm,
    TemplateForm,
)
from .models import SectionTemplate, Solution, SolutionSection, SolutionVersion
from .workflow import min_completeness

# --- bases ---------------------------------------------------------------------------------------


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "solutions:list"

    def get_back_url(self):
        obj = getattr(self, "object", None)
        solution = getattr(obj, "solution", obj)
        return solution.get_absolute_url() if isinstance(solution, Solution) else reverse("solutions:list")

    def get_intro(self):
        obj = getattr(self, "object", None)
        solution = getattr(obj, "solution", obj)
        return str(solution) if isinstance(solution, Solution) else (self.intro or "")


class SolutionFormView(FormPageMixin, ScopedObjectFormView):
    model = Solution
    permission_check = staticmethod(permissions.can_write)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("opportunity", "author", "reviewer_1", "reviewer_2", "reviewer_3")
        )


def _opportunities_for(user):
    return selectors.writable_opportunities(user)


# --- list, create, detail ------------------------------------------------------------------------


class SolutionListView(ScopedListView):
    model = Solution
    filterset_class = SolutionFilterSet
    template_name = "solutions/solution_list.html"

    def get_scoped_queryset(self):
        return selectors.solution_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_create"] = permissions.can_create_any(user)
        ctx["can_edit_catalogue"] = permissions.can_edit_catalogue(user)
        ctx["waiting_count"] = Solution.objects.visible_to(user).waiting_for(user).count()
        return ctx


class SolutionCreateView(FormPageMixin, ServiceFormView):
    form_class = SolutionForm
    page_title = gettext_lazy("New solution")
    intro = gettext_lazy(
        "Every active section of the catalogue is added; write them, assign the three "
        "reviewers, then submit for review."
    )
    success_message = gettext_lazy("Solution created: now write its sections.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunities"] = _opportunities_for(self.request.user)
        return kwargs

    def get_initial(self):
        opportunity_id = self.request.GET.get("opportunity", "")
        if opportunity_id.isdigit():
            opportunity = _opportunities_for(self.request.user).filter(pk=int(opportunity_id)).first()
            if opportunity is not None:
                return {
                    "opportunity": opportunity.pk,
                    "title": _("%(name)s solution") % {"name": opportunity.name},
                }
        return {}

    def perform(self, form):
        data, _version = form.service_data()
        self.object = services.solution_create(actor=self.request.user, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class SolutionDetailView(ScopedDetailView):
    model = Solution
    template_name = "solutions/solution_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "opportunity",
                "opportunity__customer",
                "opportunity__team",
                "author",
                "reviewer_1",
                "reviewer_2",
                "reviewer_3",
            )
            .prefetch_related("opportunity__members")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, solution = self.request.user, self.object
        ctx.update(selectors.detail_context(solution=solution))
        ctx.update(
            can_write=permissions.can_write(user, solution),
            can_edit=permissions.can_edit(user, solution),
            can_decide=permissions.can_decide(user, solution),
            can_record=solution.status == Status.CROSS_DEPT
            and permissions.can_record_departments(user, solution),
            min_completeness=min_completeness(),
            levels=[(level, solution.reviewer_for(level)) for level in (1, 2, 3)],
            submit_label=_("Resubmit") if solution.status == Status.RETURNED else _("Submit for review"),
            # a reviewer from another team sees the solution, not necessarily its opportunity
            opportunity_visible=Opportunity.objects.visible_to(user).filter(pk=solution.opportunity_id).exists(),
        )
        return ctx


class SolutionUpdateView(SolutionFormView):
    form_class = SolutionForm
    page_title = gettext_lazy("Title and reviewers")
    success_message = gettext_lazy("Solution saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        return kwargs

    def get_initial(self):
        s = self.object
        return {
            "title": s.title,
            "reviewer_1": s.reviewer_1_id,
            "reviewer_2": s.reviewer_2_id,
            "reviewer_3": s.reviewer_3_id,
            "version": s.version,
        }

    def perform(self, form):
        data, version = form.service_data()
        return services.solution_update(
            actor=self.request.user, solution=self.object, expected_version=version, **data
        )


class SectionEditView(FormPageMixin, ScopedObjectFormView):
    model = SolutionSection
    form_class = SectionForm
    template_name = "solutions/section_form.html"
    success_message = gettext_lazy("Section saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("template", "solution", "solution__opportunity")

    def check_object_permission(self, obj):
        if not permissions.can_write(self.request.user, obj.solution):
            raise PermissionDenied

    def get_initial(self):
        return {"content": self.object.content, "version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.object.template.title
        ctx["section"] = self.object
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.section_save(
            actor=self.request.user,
            section=self.object,
            content=data["content"],
            expected_version=data.get("version"),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class SubmitView(SolutionFormView):
    form_class = SubmitForm
    page_title = gettext_lazy("Submit for review")
    template_name = "solutions/action_form.html"

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not ctx["form"].is_bound:
            from .workflow import RESUBMIT, SUBMIT, solution_flow

            action = RESUBMIT if self.object.status == Status.RETURNED else SUBMIT
            transition = solution_flow.get(self.object.status, Status.IN_REVIEW)
            if transition is None or transition.action != action:
                ctx["reasons"] = [
                    _("A solution that is “%(status)s” cannot do that.")
                    % {"status": self.object.get_status_display()}
                ]
            else:
                ctx["reasons"] = solution_flow.unmet_conditions(self.object, transition)
        ctx["submit_label"] = _("Submit")
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        solution = services.solution_submit(
            actor=self.request.user,
            solution=self.object,
            change_summary=data["change_summary"],
            expected_version=data.get("version"),
        )
        self.success_message = _("Submitted: version %(n)s waits for the junior review.") % {
            "n": solution.rounds_count
        }
        return solution


class DecisionView(SolutionFormView):
    form_class = DecisionForm
    permission_check = staticmethod(permissions.can_decide)
    page_title = gettext_lazy("Review decision")
    template_name = "solutions/action_form.html"

    def get_initial(self):
        return {"version": self.object.version, "decision": self.request.GET.get("decision", "approved")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.object.current_level:
            ctx["intro"] = f"{self.object} · {self.object.get_current_level_display()}"
        ctx["submit_label"] = _("Record the decision")
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        solution = services.review_decide(
            actor=self.request.user,
            solution=self.object,
            decision=data["decision"],
            comments=data["comments"],
            expected_version=data.get("version"),
        )
        self.success_message = _("Decision recorded: the solution is now “%(status)s”.") % {
            "status": solution.get_status_display()
        }
        return solution


class DepartmentView(SolutionFormView):
    form_class = DepartmentForm
    permission_check = staticmethod(permissions.can_record_departments)
    page_title = gettext_lazy("Cross-department review")
    template_name = "solutions/action_form.html"

    def get_initial(self):
        return {
            "version": self.object.version,
            "department": self.request.GET.get("department", ""),
            "decision": "agree",
        }

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["submit_label"] = _("Record the decision")
        return ctx

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        solution = services.department_record(
            actor=self.request.user, solution=self.object, expected_version=version, **data
        )
        self.success_message = _("Department decision recorded: the solution is “%(status)s”.") % {
            "status": solution.get_status_display()
        }
        return solution


class ReviseView(SolutionFormView):
    form_class = ReasonForm
    page_title = gettext_lazy("Revise the solution")
    intro = gettext_lazy("The solution goes back to draft; its next pass archives a new document version.")
    template_name = "solutions/action_form.html"
    success_message = gettext_lazy("The solution is a draft again.")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.solution_revise(
            actor=self.request.user,
            solution=self.object,
            reason=data["reason"],
            expected_version=data.get("version"),
        )


class MakeCurrentView(SolutionFormView):
    form_class = ReasonForm
    page_title = gettext_lazy("Make this the current solution")
    template_name = "solutions/action_form.html"
    success_message = gettext_lazy("This is now the opportunity's current solution.")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.solution_make_current(
            actor=self.request.user, solution=self.object, expected_version=form.cleaned_data.get("version")
        )


# --- versions, diff, export ------------------------------------------------------------------------


class VersionDetailView(ScopedMixin, DetailView):
    model = SolutionVersion
    template_name = "solutions/version_detail.html"
    context_object_name = "version"

    def get_queryset(self):
        return super().get_queryset().select_related("solution", "solution__opportunity", "author")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["solution"] = self.object.solution
        ctx["others"] = list(
            SolutionVersion.objects.filter(solution_id=self.object.solution_id)
            .exclude(pk=self.object.pk)
            .order_by("-number")
            .values("number")
        )
        return ctx


def section_diff(old: list[dict], new: list[dict]) -> list[dict]:
    """Per section (by code, in the newer version's order): the unified diff of its text."""
    before = {s["code"]: s for s in old}
    rows = []
    codes = [s["code"] for s in new] + [c for c in before if c not in {s["code"] for s in new}]
    after = {s["code"]: s for s in new}
    for code in codes:
        a, b = before.get(code, {}), after.get(code, {})
        lines = list(
            difflib.unified_diff(
                (a.get("content") or "").splitlines(), (b.get("content") or "").splitlines(), lineterm="", n=2
            )
        )[2:]
        rows.append(
            {
                "code": code,
                "title": b.get("title") or a.get("title"),
                "changed": bool(lines),
                "lines": [
                    {"text": line, "kind": {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")}
                    for line in lines
                ],
            }
        )
    return rows


class DiffView(ScopedDetailView):
    """Differences of the section texts between two versions (?a=1&b=2; default: the last two)."""

    model = Solution
    template_name = "solutions/diff.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        versions = {v.number: v for v in SolutionVersion.objects.filter(solution=self.object)}
        numbers = sorted(versions)

        def pick(name, default):
            raw = self.request.GET.get(name, "")
            return int(raw) if raw.isdigit() and int(raw) in versions else default

        if not numbers:
            ctx.update(rows=[], a=None, b=None, numbers=[])
            return ctx
        b = pick("b", numbers[-1])
        a = pick("a", numbers[-2] if len(numbers) > 1 else numbers[-1])
        ctx.update(
            a=versions[a],
            b=versions[b],
            numbers=numbers,
            rows=section_diff(versions[a].sections, versions[b].sections),
        )
        return ctx


class ExportView(ScopedDetailView):
    """The DOCX of a version (?version=n, default the latest)."""

    model = Solution

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "author")

    def get(self, request, *args, **kwargs):
        solution = self.get_object()
        versions = SolutionVersion.objects.filter(solution=solution).order_by("-number")
        raw = request.GET.get("version", "")
        version = versions.filter(number=int(raw)).first() if raw.isdigit() else versions.first()
        if version is None:
            raise Http404
        response = HttpResponse(exports.solution_docx(solution, version), content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="solution-{solution.pk}-v{version.number}.docx"'
        )
        return response


# --- catalogue -------------------------------------------------------------------------------------


class CatalogueView(ScopedMixin, ListView):
    model = SectionTemplate
    template_name = "solutions/catalogue.html"

    def get_queryset(self):
        return super().get_queryset().order_by("position", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_edit_catalogue(self.request.user)
        return ctx


class CatalogueCreateView(FormPageMixin, ServiceFormView):
    form_class = TemplateForm
    page_title = gettext_lazy("New catalogue section")
    success_message = gettext_lazy("Section added to the catalogue.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_edit_catalogue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_back_url(self):
        return reverse("solutions:catalogue")

    def get_initial(self):
        return {"required": True, "min_chars": 30, "active": True, "position": 100}

    def perform(self, form):
        data, _version = form.service_data()
        return services.template_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("solutions:catalogue")


class CatalogueEditView(FormPageMixin, ScopedObjectFormView):
    model = SectionTemplate
    form_class = TemplateForm
    permission_check = staticmethod(lambda user, template: permissions.can_edit_catalogue(user))
    page_title = gettext_lazy("Edit catalogue section")
    success_message = gettext_lazy("Catalogue section saved.")

    def get_back_url(self):
        return reverse("solutions:catalogue")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.template_update(
            actor=self.request.user, template=self.object, expected_version=version, **data
        )

    def get_success_url(self):
        return reverse("solutions:catalogue")
