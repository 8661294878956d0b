"""Research pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from presales.core.errors import DomainError
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedMixin, ScopedObjectFormView
from presales.opportunities.models import Opportunity

from . import exports, permissions, selectors, services
from .choices import Priority, RequirementStatus
from .exports import _label
from .filtersets import ResearchListFilterSet
from .forms import ActivityForm, AttachForm, CompleteForm, ConfirmationForm, ItemForm, PlanForm, ReportForm
from .models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport


def _opportunity_model():
    return Opportunity


def workspace_url(opportunity_id: int, anchor: str = "") -> str:
    url = reverse("discovery:workspace", args=[opportunity_id])
    return f"{url}#{anchor}" if anchor else url


# --- bases ---------------------------------------------------------------------------------------


class FormPageMixin(BaseFormPageMixin):
    """Back to the opportunity's research workspace, which the intro names."""

    list_url_name = "discovery:list"

    def opportunity(self):
        obj = self.object
        return getattr(obj, "opportunity", obj)

    def get_back_url(self):
        return workspace_url(self.opportunity().pk)

    def get_intro(self):
        opportunity = self.opportunity()
        return f"{opportunity.number} {opportunity.name} · {opportunity.customer.name}"


class OpportunityFormView(FormPageMixin, ScopedObjectFormView):
    """A form on the research of one opportunity the user can see; `permission_check` → 403."""

    permission_check = staticmethod(permissions.can_research)
    anchor = ""

    def get_scoped_queryset(self):
        return _opportunity_model().objects.visible_to(self.request.user)

    def get_queryset(self):
        return super().get_queryset().select_related("customer").prefetch_related("members")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunity"] = self.object
        return kwargs

    def get_success_url(self):
        return workspace_url(self.object.pk, self.anchor)


class RecordFormView(FormPageMixin, ScopedObjectFormView):
    """A form on one research record; the permission is checked on its opportunity."""

    permission_check = staticmethod(permissions.can_research)

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "opportunity__customer")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunity"] = self.object.opportunity
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def get_success_url(self):
        return self.object.get_absolute_url()


# --- list and workspace -----------------------------------------------------------------------------


class ResearchListView(ScopedListView):
    """Research work across the opportunities the user may see, with its progress (filterable)."""

    filterset_class = ResearchListFilterSet
    template_name = "discovery/research_list.html"

    def get_scoped_queryset(self):
        return selectors.research_list(user=self.request.user)

    model = Opportunity

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = selectors.progress_summary(self.object_list)
        return ctx


class WorkspaceView(ScopedDetailView):
    """The research of one opportunity: plan, activities, items, report, confirmation and gate."""

    template_name = "discovery/workspace.html"
    context_object_name = "opportunity"

    def get_scoped_queryset(self):
        return _opportunity_model().objects.visible_to(self.request.user)

    def get_queryset(self):
        return super().get_queryset().select_related(
            "customer", "presales_lead", "sales_owner", "team").prefetch_related("members")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, opportunity = self.request.user, self.object
        ctx.update(selectors.workspace_context(opportunity=opportunity))
        ctx.update(
            can_research=permissions.can_research(user, opportunity),
            can_confirm=permissions.can_confirm(user, opportunity),
            now=timezone.now(),
        )
        return ctx


# --- plan ----------------------------------------------------------------------------------------------


class PlanView(OpportunityFormView):
    """Write the research plan, or edit it (one per opportunity)."""

    form_class = PlanForm
    anchor = "plan"
    success_message = gettext_lazy("Research plan saved.")

    def plan(self):
        if not hasattr(self, "_plan"):
            self._plan = ResearchPlan.objects.filter(opportunity_id=self.object.pk).first()
        return self._plan

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit research plan") if self.plan() else _("New research plan")
        return ctx

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        plan = self.plan()
        if plan is not None and self.request.method == "GET":
            kwargs["instance"] = plan
            kwargs["initial"] = {"version": plan.version}
        return kwargs

    def get_initial(self):
        today = timezone.localdate()
        return {"starts_on": today, "ends_on": today + timedelta(days=14),
                "methods": ["interview", "site_visit"], "our_participants": [self.request.user.pk]}

    def perform(self, form):
        data, version = form.service_data()
        plan = self.plan()
        if plan is None:
            return services.plan_create(actor=self.request.user, opportunity=self.object, **data)
        return services.plan_update(actor=self.request.user, plan=plan, expected_version=version, **data)


# --- activities ------------------------------------------------------------------------------------------


class ActivityCreateView(OpportunityFormView):
    form_class = ActivityForm
    anchor = "activities"
    page_title = gettext_lazy("New research activity")
    success_message = gettext_lazy("Research activity saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["creating"] = True
        return kwargs

    def get_initial(self):
        kind = self.request.GET.get("kind") or "interview"
        return {"kind": kind, "our_participants": [self.request.user.pk]}

    def perform(self, form):
        data, _version = form.service_data()
        return services.activity_create(actor=self.request.user, opportunity=self.object, **data)


class ActivityUpdateView(RecordFormView):
    model = ResearchActivity
    form_class = ActivityForm
    page_title = gettext_lazy("Edit research activity")
    success_message = gettext_lazy("Research activity saved.")

    def perform(self, form):
        data, version = form.service_data()
        return services.activity_update(actor=self.request.user, activity=self.object, expected_version=version,
                                        **data)


class ActivityCompleteView(RecordFormView):
    model = ResearchActivity
    form_class = CompleteForm
    page_title = gettext_lazy("Mark the activity done")
    submit_label = gettext_lazy("Done")
    success_message = gettext_lazy("Activity marked done.")

    def get_form_kwargs(self):
        kwargs = ScopedObjectFormView.get_form_kwargs(self)
        if self.request.method == "GET":
            kwargs["initial"] = {"version": self.object.version, "notes": self.object.notes,
                                 "scheduled_at": timezone.localtime(self.object.scheduled_at)}
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.activity_complete(actor=self.request.user, activity=self.object, notes=data["notes"],
                                          scheduled_at=data.get("scheduled_at"), expected_version=data.get("version"))


class ActivityCancelView(RecordFormView):
    model = ResearchActivity
    page_title = gettext_lazy("Cancel the activity")
    submit_label = gettext_lazy("Cancel the activity")
    success_message = gettext_lazy("Activity cancelled.")

    def get_form_class(self):
        from django import forms

        class CancelForm(forms.Form):
            version = forms.IntegerField(widget=forms.HiddenInput, required=False)

        return CancelForm

    def get_form_kwargs(self):
        kwargs = ScopedObjectFormView.get_form_kwargs(self)
        if self.request.method == "GET":
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        return services.activity_cancel(actor=self.request.user, activity=self.object,
                                        expected_version=form.cleaned_data.get("version"))


class ActivityAttachView(RecordFormView):
    model = ResearchActivity
    form_class = AttachForm
    page_title = gettext_lazy("Attach a file")
    submit_label = gettext_lazy("Upload")
    success_message = gettext_lazy("File attached and registered in the document archive.")

    def get_form_kwargs(self):
        return ScopedObjectFormView.get_form_kwargs(self)

    def perform(self, form):
        return services.activity_attach(actor=self.request.user, activity=self.object,
                                        file=form.cleaned_data["file"], title=form.cleaned_data["title"])


# --- requirement items ------------------------------------------------------------------------------------


class ItemCreateView(OpportunityFormView):
    form_class = ItemForm
    anchor = "requirements"
    page_title = gettext_lazy("New requirement item")
    success_message = gettext_lazy("Requirement item saved.")

    def get_initial(self):
        initial = {"priority": "should", "category": "functional", "status": "proposed"}
        activity = self.request.GET.get("activity")
        if activity and activity.isdigit():
            initial["source_activity"] = int(activity)
        return initial

    def perform(self, form):
        data, _version = form.service_data()
        return services.item_create(actor=self.request.user, opportunity=self.object, **data)


class ItemUpdateView(RecordFormView):
    model = RequirementItem
    form_class = ItemForm
    page_title = gettext_lazy("Edit requirement item")
    success_message = gettext_lazy("Requirement item saved.")

    def get_intro(self):
        return _("A change to a confirmed requirement makes the customer's confirmation outdated: it must be "
                 "confirmed again before solution design.")

    def perform(self, form):
        data, version = form.service_data()
        return services.item_update(actor=self.request.user, item=self.object, expected_version=version, **data)


# --- report --------------------------------------------------------------------------------------------------


class ReportView(OpportunityFormView):
    form_class = ReportForm
    anchor = "report"
    success_message = gettext_lazy("Research report saved.")

    def report(self):
        if not hasattr(self, "_report"):
            self._report = ResearchReport.objects.filter(opportunity_id=self.object.pk).first()
        return self._report

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Edit research report") if self.report() else _("New research report")
        return ctx

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("opportunity")
        report = self.report()
        if report is not None and self.request.method == "GET":
            kwargs["instance"] = report
            kwargs["initial"] = {"version": report.version}
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        report = self.report()
        if report is None:
            return services.report_create(actor=self.request.user, opportunity=self.object, **data)
        return services.report_update(actor=self.request.user, report=report, expected_version=version, **data)


# --- confirmation ----------------------------------------------------------------------------------------------


class ConfirmView(OpportunityFormView):
    """Record the customer's confirmation of the requirement set as it reads now (a new round)."""

    form_class = ConfirmationForm
    anchor = "confirmation"
    permission_check = staticmethod(permissions.can_confirm)
    page_title = gettext_lazy("Record the customer's confirmation")
    submit_label = gettext_lazy("Record the confirmation")
    success_message = gettext_lazy("Requirement confirmation recorded.")
    template_name = "discovery/confirm.html"

    def get_initial(self):
        return {"confirmed_on": timezone.localdate(), "method": "signature"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["state"] = selectors.confirmation_state(self.object.pk)
        return ctx

    def perform(self, form):
        return services.confirmation_record(actor=self.request.user, opportunity=self.object, **form.cleaned_data)


class ConfirmationDetailView(ScopedDetailView):
    """One round of the confirmation: the items as confirmed, and what changed since."""

    model = RequirementConfirmation
    template_name = "discovery/confirmation_detail.html"
    context_object_name = "confirmation"

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "opportunity__customer", "contact", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        confirmation = self.object
        state = selectors.confirmation_state(confirmation.opportunity_id)
        latest = state["latest"]
        ctx.update(
            is_latest=latest is not None and latest.pk == confirmation.pk,
            is_current=state["current"] and latest is not None and latest.pk == confirmation.pk,
            diff=selectors.snapshot_diff(confirmation.snapshot, state["items"]),
            can_confirm=permissions.can_confirm(self.request.user, confirmation.opportunity),
            rows=[{**entry, "code": "REQ-{:03d}".format(entry.get("number", 0)),
                   "priority_label": _label(Priority, entry.get("priority")),
                   "status_label": _label(RequirementStatus, entry.get("status"))}
                  for entry in confirmation.snapshot],
        )
        return ctx


# --- exports and archive ---------------------------------------------------------------------------------------


def _docx_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportExportView(ScopedMixin, View):
    """The research report as DOCX (anyone who sees the opportunity)."""

    model = ResearchReport

    def get(self, request, pk):
        from django.shortcuts import get_object_or_404

        report = get_object_or_404(self.get_queryset().select_related("opportunity", "opportunity__customer",
                                                                      "opportunity__presales_lead"), pk=pk)
        return _docx_response(*exports.report_docx_file(report))


class ConfirmationExportView(ScopedMixin, View):
    """The 需求确认书 of one round as DOCX."""

    model = RequirementConfirmation

    def get(self, request, pk):
        from django.shortcuts import get_object_or_404

        confirmation = get_object_or_404(self.get_queryset().select_related("opportunity", "opportunity__customer"),
                                         pk=pk)
        return _docx_response(*exports.confirmation_docx_file(confirmation))


class ArchiveView(ScopedMixin, View):
    """POST: file the export in the document archive (a new version when it changed)."""

    service = None
    check = None

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, pk):
        from django.shortcuts import get_object_or_404

        record = get_object_or_404(self.get_queryset().select_related("opportunity", "opportunity__customer"), pk=pk)
        if not type(self).check(request.user, record):
            raise PermissionDenied
        try:
            document = type(self).service(request.user, record)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Filed in the document archive as %(number)s (version %(version)s).")
                             % {"number": document.number,
                                "version": getattr(document.current_version, "number", "")})
        return HttpResponseRedirect(record.get_absolute_url())


class ReportArchiveView(ArchiveView):
    model = ResearchReport
    check = staticmethod(permissions.can_research)
    service = staticmethod(lambda user, record: services.report_archive(actor=user, report=record))


class ConfirmationArchiveView(ArchiveView):
    model = RequirementConfirmation
    check = staticmethod(permissions.can_confirm)
    service = staticmethod(lambda user, record: services.confirmation_archive(actor=user, confirmation=record))
