"""POC pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from presales.core.errors import DomainError
from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import (
    ScopedDetailView,
    ScopedListView,
    ScopedObjectFormView,
    ServiceFormView,
    attach_domain_error,
)

from . import exports, permissions, selectors, services
from .choices import CRITERIA_EDITABLE_STATUSES, POST_MORTEM_STATUSES, Side, Status
from .filtersets import PocFilterSet
from .forms import (
    ArchiveExportForm,
    ConfirmationForm,
    CriterionForm,
    GuideForm,
    ImportForm,
    IncidentForm,
    IncidentResolveForm,
    IncidentRespondForm,
    KickoffForm,
    MeasurementForm,
    MoveForm,
    PocForm,
    PostMortemForm,
    ReadinessAnswersForm,
    ResourceForm,
    ReviewForm,
    RiskForm,
    ScopeChangeForm,
    ScopeConfirmForm,
    ScopeRejectForm,
    SyncNoteForm,
)
from .models import CriterionGuide, Incident, Poc, ResourceItem, Risk, ScopeChange, SuccessCriterion
from .workflow import poc_flow

# --- bases ---------------------------------------------------------------------------------------


class FormPageMixin(BaseFormPageMixin):
    """Form pages of a POC or of one of its parts: back to the POC, which the intro names."""

    list_url_name = "poc:list"

    def get_back_url(self):
        obj = getattr(self, "object", None)
        poc = getattr(obj, "poc", obj)
        return poc.get_absolute_url() if poc is not None else reverse("poc:list")

    def get_intro(self):
        obj = getattr(self, "object", None)
        poc = getattr(obj, "poc", obj)
        return str(poc) if isinstance(poc, Poc) else ""


class PocFormView(FormPageMixin, ScopedObjectFormView):
    """A form acting on one POC the user can see; `permission_check(user, poc)` → 403."""

    model = Poc
    permission_check = staticmethod(permissions.can_work_on)

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "customer")


class PocChildFormView(FormPageMixin, ScopedObjectFormView):
    """A form acting on a record of a POC; the permission is checked on its POC."""

    def get_queryset(self):
        return super().get_queryset().select_related("poc", "poc__opportunity", "poc__customer")

    def check_object_permission(self, obj):
        check = type(self).permission_check
        if check is not None and not check(self.request.user, obj.poc):
            raise PermissionDenied

    def get_success_url(self):
        return self.object.get_absolute_url()


def _version_initial(obj) -> dict:
    return {"version": obj.version}


# --- POCs ----------------------------------------------------------------------------------------


class PocListView(XlsxListExport, ScopedListView):
    export_title = gettext_lazy("POCs")
    export_columns = [
        Column(gettext_lazy("Number"), "number", width=16),
        Column(gettext_lazy("Project name"), "title", width=30),
        Column(gettext_lazy("Customer"), "customer", width=26),
        Column(gettext_lazy("Opportunity"), "opportunity.number", width=16),
        Column(gettext_lazy("Industry"), choice_label("industry"), width=12),
        Column(gettext_lazy("Status"), choice_label("status"), width=10),
        Column(gettext_lazy("Verdict"), choice_label("verdict"), width=10),
        Column(gettext_lazy("Presales lead"), "opportunity.presales_lead", width=12),
        Column(gettext_lazy("Presales team"), "opportunity.team", width=14),
        Column(gettext_lazy("Planned start date"), "planned_start_on", "date", 14),
        Column(gettext_lazy("Planned end date"), "planned_end_on", "date", 14),
        Column(gettext_lazy("Started at"), "started_at", "datetime", 18),
        Column(gettext_lazy("Ended at"), "ended_at", "datetime", 18),
    ]

    model = Poc
    filterset_class = PocFilterSet
    template_name = "poc/poc_list.html"

    def get_scoped_queryset(self):
        return selectors.poc_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_any(self.request.user)
        ctx["can_coach"] = permissions.can_coach(self.request.user)
        return ctx


def _opportunities_for(user):
    """Open opportunities the user may see and prepare a POC for (the service re-checks)."""
    from django.db.models import Q

    from presales.core.permissions import is_manager
    from presales.opportunities.models import Opportunity

    qs = Opportunity.objects.visible_to(user).open().select_related("customer").order_by("-created_at", "-pk")
    if not is_manager(user):
        qs = qs.filter(Q(presales_lead=user) | Q(team_id__in=list(user.led_team_ids)) | Q(members=user)).distinct()
    return qs


class PocCreateView(FormPageMixin, ServiceFormView):
    form_class = PocForm
    page_title = gettext_lazy("New POC")
    success_message = gettext_lazy("POC created: now write the criteria, the resource list and the risks.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunities"] = _opportunities_for(self.request.user)
        return kwargs

    def get_initial(self):
        initial = {"response_hours": 4, "next_step": "negotiation"}
        opportunity_id = self.request.GET.get("opportunity")
        if opportunity_id and opportunity_id.isdigit():
            opportunity = _opportunities_for(self.request.user).filter(pk=int(opportunity_id)).first()
            if opportunity is not None:
                initial.update(opportunity=opportunity.pk, title=opportunity.name,
                               industry=opportunity.industry or opportunity.customer.industry)
        return initial

    def perform(self, form):
        data, _version = form.service_data()
        self.object = services.poc_create(actor=self.request.user, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class PocDetailView(ScopedDetailView):
    model = Poc
    template_name = "poc/poc_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related(
            "opportunity", "customer", "opportunity__presales_lead", "opportunity__sales_owner",
            "opportunity__team", "created_by",
        ).prefetch_related("opportunity__members")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, poc = self.request.user, self.object
        ctx.update(selectors.poc_detail_context(poc=poc))
        ctx.update(
            can_work=permissions.can_work_on(user, poc),
            can_report=permissions.can_report(user, poc),
            can_steer=permissions.can_steer(user, poc),
            criteria_editable=poc.status in CRITERIA_EDITABLE_STATUSES,
            is_running=poc.status == Status.RUNNING,
            needs_post_mortem=poc.status in POST_MORTEM_STATUSES,
            moves=available_moves(poc, user),
            now=timezone.now(),
            export_links=[(doc, fmt) for doc in exports.DOCUMENTS for fmt in exports.FORMATS],
        )
        return ctx


def available_moves(poc, user) -> list[dict]:
    if poc.is_closed:
        return []
    moves = []
    for transition in poc_flow.targets_from(poc.status):
        moves.append({
            "target": transition.target, "label": Status(transition.target).label, "action": transition.action,
            "permitted": transition.allowed(user, poc),
            "reasons": poc_flow.unmet_conditions(poc, transition),
            "backward": not transition.gated,
        })
    return moves


class PocUpdateView(PocFormView):
    form_class = PocForm
    page_title = gettext_lazy("Edit the launch confirmation")
    success_message = gettext_lazy("Launch confirmation saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = _version_initial(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.poc_update(actor=self.request.user, poc=self.object, expected_version=version, **data)


class ConfirmationView(PocFormView):
    form_class = ConfirmationForm
    page_title = gettext_lazy("Confirmation by both sides")
    success_message = gettext_lazy("Confirmation recorded.")

    def get_initial(self):
        poc = self.object
        return {"version": poc.version, "method": poc.confirmation_method or "signed",
                "our_signatory": poc.our_signatory, "our_signed_on": poc.our_signed_on,
                "customer_signatory": poc.customer_signatory, "customer_signed_on": poc.customer_signed_on,
                "email_reference": poc.email_reference}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.poc_confirm_launch(actor=self.request.user, poc=self.object, expected_version=version, **data)


class KickoffView(PocFormView):
    form_class = KickoffForm
    page_title = gettext_lazy("Kickoff meeting")
    success_message = gettext_lazy("Kickoff meeting recorded.")

    def get_initial(self):
        from .models import KickoffMeeting

        try:
            kickoff = self.object.kickoff
        except KickoffMeeting.DoesNotExist:
            return {"duration_minutes": 60, "held_at": timezone.localtime().replace(second=0, microsecond=0)}
        return KickoffForm.initial_from(kickoff, kickoff.attendees.all())

    def perform(self, form):
        data = form.cleaned_data
        return services.kickoff_record(
            actor=self.request.user, poc=self.object, held_at=data["held_at"],
            duration_minutes=data["duration_minutes"], minutes=data["minutes"], remote=data["remote"],
            location=data["location"], attendees=form.attendees(),
        )


# --- criteria, resources, risks -----------------------------------------------------------------------


class CriterionCreateView(PocFormView):
    form_class = CriterionForm
    page_title = gettext_lazy("New success criterion")
    success_message = gettext_lazy("Success criterion added.")

    def get_initial(self):
        initial = {"is_key": True, "aggregation": "latest", "sample_size": 1}
        guide_id = self.request.GET.get("guide")
        if guide_id and guide_id.isdigit():
            guide = CriterionGuide.objects.filter(pk=int(guide_id), active=True).first()
            if guide is not None:
                initial.update(services.criterion_initial_from_guide(guide))
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        guides = selectors.guide_list().filter(active=True)
        if self.object.industry:
            guides = guides.filter(industry=self.object.industry) or guides
        ctx["guides"] = list(guides)
        return ctx

    def get_template_names(self):
        return ["poc/criterion_form.html"]

    def perform(self, form):
        data, _version = form.service_data()
        return services.criterion_create(actor=self.request.user, poc=self.object, **data)


class CriterionUpdateView(PocChildFormView):
    model = SuccessCriterion
    form_class = CriterionForm
    permission_check = staticmethod(permissions.can_work_on)
    page_title = gettext_lazy("Edit success criterion")
    success_message = gettext_lazy("Success criterion saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = _version_initial(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.criterion_update(actor=self.request.user, criterion=self.object, expected_version=version,
                                         **data)


class ResourceCreateView(PocFormView):
    form_class = ResourceForm
    page_title = gettext_lazy("New resource item")
    success_message = gettext_lazy("Resource item added.")

    def get_initial(self):
        side = self.request.GET.get("side")
        return {"side": side if side in Side.values else Side.OURS}

    def perform(self, form):
        data, _version = form.service_data()
        return services.resource_create(actor=self.request.user, poc=self.object, **data)


class ResourceUpdateView(PocChildFormView):
    model = ResourceItem
    form_class = ResourceForm
    permission_check = staticmethod(permissions.can_work_on)
    page_title = gettext_lazy("Edit resource item")
    success_message = gettext_lazy("Resource item saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = _version_initial(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.resource_update(actor=self.request.user, item=self.object, expected_version=version, **data)


class RiskCreateView(PocFormView):
    form_class = RiskForm
    page_title = gettext_lazy("New risk")
    success_message = gettext_lazy("Risk added.")

    def perform(self, form):
        data, _version = form.service_data()
        return services.risk_create(actor=self.request.user, poc=self.object, **data)


class RiskUpdateView(PocChildFormView):
    model = Risk
    form_class = RiskForm
    permission_check = staticmethod(permissions.can_work_on)
    page_title = gettext_lazy("Edit risk")
    success_message = gettext_lazy("Risk saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = _version_initial(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.risk_update(actor=self.request.user, risk=self.object, expected_version=version, **data)


# --- readiness, moves ----------------------------------------------------------------------------------


class ReadinessView(PocFormView):
    """The self-check: the 16 items (computed ones with their reasons, asked ones with their
    evidence and a yes/no answer), and the snapshot ("review now") form. Any open or closed POC:
    the check can be reopened at any time."""

    form_class = ReadinessAnswersForm
    template_name = "poc/readiness.html"
    success_message = gettext_lazy("Answers saved.")

    def check_object_permission(self, obj):
        user = self.request.user
        if self.request.method == "GET":
            return  # whoever sees the POC sees its self-check
        if self.request.POST.get("action") == "review":
            allowed = permissions.can_work_on(user, obj) or permissions.can_coach(user)
        else:
            allowed = permissions.can_work_on(user, obj)
        if not allowed:
            raise PermissionDenied

    def get_readiness(self):
        if not hasattr(self, "_readiness"):
            self._readiness = selectors.poc_readiness(poc=self.object)
        return self._readiness

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["readiness"] = self.get_readiness()
        return kwargs

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "review":
            form = ReviewForm(request.POST)
            if form.is_valid():
                try:
                    services.readiness_review(actor=request.user, poc=self.object, **form.cleaned_data)
                except DomainError as exc:
                    attach_domain_error(form, exc)
                else:
                    messages.success(request, _("Snapshot of the self-check saved."))
                    return HttpResponseRedirect(request.path)
            return self.render_to_response(self.get_context_data(review_form=form))
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        for number, done, note in form.answers():
            services.readiness_answer(actor=self.request.user, poc=self.object, item=number, done=done, note=note)

    def get_success_url(self):
        return reverse("poc:readiness", args=[self.object.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["readiness"] = selectors.poc_readiness(poc=self.object)
        ctx.setdefault("review_form", ReviewForm())
        ctx["reviews"] = list(self.object.readiness_reviews.select_related("actor")[:10])
        ctx["title"] = _("Readiness self-check")
        return ctx


class MoveView(PocFormView):
    """One status move (POST from the detail page's buttons; GET shows the form and the reasons)."""

    form_class = MoveForm
    permission_check = staticmethod(permissions.can_steer)
    page_title = gettext_lazy("Change the POC's status")
    template_name = "poc/move.html"

    def get_initial(self):
        return {"to_status": self.request.GET.get("to", ""), "version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target = self.request.GET.get("to") or self.request.POST.get("to_status")
        move = next((m for m in available_moves(self.object, self.request.user) if m["target"] == target), None)
        if move is not None:
            ctx["intro"] = "{} → {}".format(self.object, move["label"])
            if not ctx["form"].is_bound:
                ctx["reasons"] = move["reasons"]
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        poc = services.poc_move(actor=self.request.user, poc=self.object, to_status=data["to_status"],
                                reason=data["reason"], expected_version=data.get("version"))
        self.success_message = _("The POC is now “%(status)s”.") % {"status": poc.get_status_display()}
        return poc


# --- running ---------------------------------------------------------------------------------------


class MeasurementCreateView(PocFormView):
    form_class = MeasurementForm
    page_title = gettext_lazy("Record a measurement")
    success_message = gettext_lazy("Measurement recorded.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["poc"] = self.object
        return kwargs

    def get_initial(self):
        return {"measured_at": timezone.localtime().replace(second=0, microsecond=0),
                "criterion": self.request.GET.get("criterion")}

    def perform(self, form):
        return services.measurement_record(actor=self.request.user, poc=self.object, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url() + "#criteria"


class MeasurementImportView(PocFormView):
    form_class = ImportForm
    page_title = gettext_lazy("Import measurements")
    submit_label = gettext_lazy("Import")

    def perform(self, form):
        upload = form.cleaned_data["file"]
        batch = services.measurement_import(actor=self.request.user, poc=self.object, content=upload.read(),
                                            file_name=upload.name)
        self.success_message = _("%(count)s measurements imported.") % {"count": batch.rows}
        return batch

    def get_success_url(self):
        return self.object.get_absolute_url() + "#criteria"


class IncidentCreateView(PocFormView):
    form_class = IncidentForm
    permission_check = staticmethod(permissions.can_report)
    page_title = gettext_lazy("Report an incident")
    success_message = gettext_lazy("Incident recorded; the escalation clock runs.")

    def get_initial(self):
        return {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}

    def perform(self, form):
        data, _version = form.service_data()
        return services.incident_open(actor=self.request.user, poc=self.object, **data)

    def get_success_url(self):
        return self.object.get_absolute_url() + "#incidents"


class IncidentActionView(PocChildFormView):
    model = Incident
    permission_check = staticmethod(permissions.can_report)

    def get_initial(self):
        return _version_initial(self.object)

    def get_intro(self):
        return f"{self.object.poc} · {self.object}"


class IncidentRespondView(IncidentActionView):
    form_class = IncidentRespondForm
    page_title = gettext_lazy("Respond to the incident")
    success_message = gettext_lazy("Response recorded.")

    def perform(self, form):
        data = form.cleaned_data
        return services.incident_respond(actor=self.request.user, incident=self.object, response=data["response"],
                                         expected_version=data.get("version"))


class IncidentResolveView(IncidentActionView):
    form_class = IncidentResolveForm
    page_title = gettext_lazy("Resolve the incident")
    success_message = gettext_lazy("Incident resolved.")

    def perform(self, form):
        data = form.cleaned_data
        return services.incident_resolve(actor=self.request.user, incident=self.object,
                                         resolution=data["resolution"], expected_version=data.get("version"))


class ScopeChangeCreateView(PocFormView):
    form_class = ScopeChangeForm
    permission_check = staticmethod(permissions.can_report)
    page_title = gettext_lazy("New scope change (additional test request)")
    success_message = gettext_lazy("Scope change recorded: it needs the confirmation of both sides.")

    def get_initial(self):
        return {"requested_on": timezone.localdate(), "requested_by_side": Side.CUSTOMER}

    def perform(self, form):
        data, _version = form.service_data()
        return services.scope_change_propose(actor=self.request.user, poc=self.object, **data)


class ScopeChangeActionView(PocChildFormView):
    model = ScopeChange
    permission_check = staticmethod(permissions.can_report)

    def get_initial(self):
        return _version_initial(self.object)

    def get_intro(self):
        return f"{self.object.poc} · {self.object}"


class ScopeChangeConfirmView(ScopeChangeActionView):
    form_class = ScopeConfirmForm
    page_title = gettext_lazy("Confirm the scope change")
    success_message = gettext_lazy("Confirmation recorded.")

    def get_initial(self):
        return {**super().get_initial(), "side": self.request.GET.get("side", Side.CUSTOMER)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.scope_change_confirm(actor=self.request.user, change=self.object, expected_version=version,
                                             **data)


class ScopeChangeRejectView(ScopeChangeActionView):
    form_class = ScopeRejectForm
    permission_check = staticmethod(permissions.can_steer)
    page_title = gettext_lazy("Decline the scope change")
    success_message = gettext_lazy("Scope change declined.")

    def perform(self, form):
        data = form.cleaned_data
        return services.scope_change_reject(actor=self.request.user, change=self.object, reason=data["reason"],
                                            expected_version=data.get("version"))


class SyncNoteCreateView(PocFormView):
    form_class = SyncNoteForm
    permission_check = staticmethod(permissions.can_report)
    page_title = gettext_lazy("Weekly sync notes")
    success_message = gettext_lazy("Sync notes saved.")

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def perform(self, form):
        data, _version = form.service_data()
        return services.sync_note_create(actor=self.request.user, poc=self.object, **data)

    def get_success_url(self):
        return self.object.get_absolute_url() + "#syncs"


class PostMortemView(PocFormView):
    form_class = PostMortemForm
    page_title = gettext_lazy("Post-mortem against the checklist")
    success_message = gettext_lazy("Post-mortem saved.")

    def get_initial(self):
        from .models import PostMortem

        try:
            record = self.object.post_mortem
        except PostMortem.DoesNotExist:
            missing = [i.number for i in selectors.poc_readiness(poc=self.object).missing]
            return {"held_on": timezone.localdate(), "weak_items": missing}
        return {"held_on": record.held_on, "participants": record.participants, "problem_kind": record.problem_kind,
                "weak_items": record.weak_items, "summary": record.summary, "lessons": record.lessons}

    def perform(self, form):
        return services.post_mortem_record(actor=self.request.user, poc=self.object, **form.cleaned_data)


class ExportView(ScopedDetailView):
    """The filled launch confirmation or resource list, as DOCX or PDF."""

    model = Poc

    def get_queryset(self):
        return super().get_queryset().select_related("customer", "opportunity")

    def get(self, request, *args, **kwargs):
        document, fmt = kwargs["document"], kwargs["fmt"]
        if document not in exports.DOCUMENTS or fmt not in exports.FORMATS:
            raise Http404
        poc = self.get_object()
        content, content_type, file_name = exports.export(poc, document, fmt)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response


class ArchiveExportView(PocFormView):
    """File an export in the document archive (a numbered document; later a new version)."""

    form_class = ArchiveExportForm
    page_title = gettext_lazy("File in the document archive")
    intro = gettext_lazy(
        "The document is generated now and filed with the project's documents: the first time as a new "
        "numbered document, afterwards as a new version of the same document."
    )
    submit_label = gettext_lazy("File it")

    def get_initial(self):
        return {"document": self.request.GET.get("document", "confirmation"), "fmt": "pdf"}

    def perform(self, form):
        document = services.poc_archive_export(actor=self.request.user, poc=self.object, **form.cleaned_data)
        messages.success(
            self.request,
            _("Filed as document %(number)s, version %(version)s.")
            % {"number": document.number, "version": document.current_version.number},
        )
        return document


# --- coaching, guide ------------------------------------------------------------------------------


class CoachingView(ScopedListView):
    """The manager's first questions for every POC: kickoff held? criteria quantified? resources
    confirmed? readiness, days to the planned end, open incidents, verdict so far."""

    model = Poc
    filterset_class = PocFilterSet
    template_name = "poc/coaching.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_coach(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_queryset(self):
        return selectors.coaching_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        pocs = list(ctx["object_list"])
        ctx["rows"] = selectors.coaching_rows(pocs)
        ctx["stats"] = selectors.poc_stats(user=self.request.user)
        return ctx


class GuideListView(LoginRequiredMixin, ListView):
    model = CriterionGuide
    template_name = "poc/guide_list.html"
    paginate_by = 50

    def get_queryset(self):
        return CriterionGuide.objects.visible_to(self.request.user).order_by("position", "pk")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_edit_guide(self.request.user)
        return ctx


class GuideCreateView(FormPageMixin, ServiceFormView):
    form_class = GuideForm
    page_title = gettext_lazy("New guide entry")
    success_message = gettext_lazy("Guide entry saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_edit_guide(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_back_url(self):
        return reverse("poc:guide_list")

    def perform(self, form):
        data, _version = form.service_data()
        return services.guide_create(actor=self.request.user, **data)

    def get_success_url(self):
        return reverse("poc:guide_list")


class GuideUpdateView(FormPageMixin, ScopedObjectFormView):
    model = CriterionGuide
    form_class = GuideForm
    permission_check = staticmethod(lambda user, guide: permissions.can_edit_guide(user))
    page_title = gettext_lazy("Edit guide entry")
    success_message = gettext_lazy("Guide entry saved.")

    def get_back_url(self):
        return reverse("poc:guide_list")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = _version_initial(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.guide_update(actor=self.request.user, guide=self.object, expected_version=version, **data)

    def get_success_url(self):
        return reverse("poc:guide_list")

