"""Bid pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.core.errors import DomainError
from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView

from . import deadline as clock
from . import permissions, selectors, services
from .filtersets import BidFilterSet
from .forms import (
    BidForm,
    DeviationForm,
    ImportForm,
    MeetingForm,
    MilestoneForm,
    ReceiptForm,
    ResultForm,
    ReviewItemForm,
    SectionForm,
    SubmitForm,
    WithdrawForm,
)
from .models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "bids:list"

    def _bid(self):
        obj = getattr(self, "object", None)
        return getattr(obj, "bid", obj)

    def get_back_url(self):
        bid = self._bid()
        return bid.get_absolute_url() if bid is not None else reverse("bids:list")

    def get_intro(self):
        bid = self._bid()
        return str(bid) if isinstance(bid, Bid) else ""


class BidFormView(FormPageMixin, ScopedObjectFormView):
    model = Bid
    permission_check = staticmethod(permissions.can_work_on)

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "opportunity__customer")


class BidChildFormView(FormPageMixin, ScopedObjectFormView):
    def get_queryset(self):
        return super().get_queryset().select_related("bid", "bid__opportunity")

    def check_object_permission(self, obj):
        if not permissions.can_work_on(self.request.user, obj.bid):
            raise PermissionDenied


def _edit_kwargs(view, kwargs):
    if view.request.method == "GET":
        kwargs["instance"] = view.object
        kwargs["initial"] = {"version": view.object.version}
    return kwargs


# --- list, create, detail, edit ------------------------------------------------------------------


class BidListView(XlsxListExport, ScopedListView):
    export_title = gettext_lazy("Bids")
    export_columns = [
        Column(gettext_lazy("Number"), "number", width=16),
        Column(gettext_lazy("Project name"), "project_name", width=30),
        Column(gettext_lazy("Issuer"), "issuer", width=24),
        Column(gettext_lazy("Tender number"), "tender_number", width=16),
        Column(gettext_lazy("Customer"), "opportunity.customer", width=26),
        Column(gettext_lazy("Opportunity"), "opportunity.number", width=16),
        Column(gettext_lazy("Submission deadline"), "deadline", "datetime", 18),
        Column(gettext_lazy("Status"), choice_label("status"), width=10),
        Column(gettext_lazy("Result"), choice_label("result"), width=10),
        Column(gettext_lazy("Bid bond amount (CNY)"), "bond_amount", "money", 16),
        Column(gettext_lazy("Our price (CNY)"), "our_price", "money", 16),
        Column(gettext_lazy("Business specialist"), "business_owner", width=12),
        Column(gettext_lazy("Solution architect"), "technical_owner", width=12),
    ]

    model = Bid
    filterset_class = BidFilterSet
    template_name = "bids/bid_list.html"

    def get_scoped_queryset(self):
        return selectors.bid_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        now = timezone.now()
        for bid in ctx["object_list"]:
            bid.countdown = clock.countdown(bid.deadline, now)
        ctx["can_create"] = permissions.can_create_any(self.request.user)
        return ctx


def _opportunities_for(user):
    from django.db.models import Q

    from presales.core.permissions import is_manager
    from presales.opportunities.models import Opportunity

    qs = Opportunity.objects.visible_to(user).open().select_related("customer").order_by("-created_at", "-pk")
    if not is_manager(user):
        qs = qs.filter(Q(presales_lead=user) | Q(team_id__in=list(user.led_team_ids)) | Q(members=user)).distinct()
    return qs


class BidCreateView(FormPageMixin, ServiceFormView):
    form_class = BidForm
    page_title = gettext_lazy("New bid")
    success_message = gettext_lazy("Bid created with the default sections and review checklist.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunities"] = _opportunities_for(self.request.user)
        return kwargs

    def get_initial(self):
        initial = {"bond_status": "not_required"}
        opportunity_id = self.request.GET.get("opportunity")
        if opportunity_id and opportunity_id.isdigit():
            opportunity = _opportunities_for(self.request.user).filter(pk=int(opportunity_id)).first()
            if opportunity is not None:
                initial.update(opportunity=opportunity.pk, project_name=opportunity.name,
                               issuer=opportunity.customer.name)
        return initial

    def perform(self, form):
        data, _version = form.service_data()
        self.object = services.bid_create(actor=self.request.user, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class BidDetailView(ScopedDetailView):
    model = Bid
    template_name = "bids/bid_detail.html"
    context_object_name = "bid"

    def get_queryset(self):
        return super().get_queryset().select_related(
            "opportunity", "opportunity__customer", "opportunity__presales_lead", "opportunity__team",
            "business_owner", "technical_owner", "submitted_by", "receipt_document",
        ).prefetch_related("opportunity__members")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, bid = self.request.user, self.object
        now = timezone.now()
        ctx.update(selectors.bid_detail_context(bid=bid))
        can_work = permissions.can_work_on(user, bid)
        ctx.update(
            can_work=can_work, editable=can_work and bid.is_open, can_steer=permissions.can_steer(user, bid),
            countdown=clock.countdown(bid.deadline, now),
            submission_problems=services.submission_problems(bid, now=now) if bid.is_open else [],
        )
        return ctx


class BidUpdateView(BidFormView):
    form_class = BidForm
    page_title = gettext_lazy("Edit the tender information")
    success_message = gettext_lazy("Tender information saved.")

    def get_form_kwargs(self):
        kwargs = _edit_kwargs(self, super().get_form_kwargs())
        kwargs["editing"] = True
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.bid_update(actor=self.request.user, bid=self.object, expected_version=version, **data)


# --- children: create and edit -----------------------------------------------------------------------


class ChildCreateView(BidFormView):
    service = None

    def perform(self, form):
        data, _version = form.service_data()
        return type(self).service(actor=self.request.user, bid=self.object, **data)


class SectionCreateView(ChildCreateView):
    form_class = SectionForm
    page_title = gettext_lazy("New section")
    success_message = gettext_lazy("Section added.")
    service = staticmethod(services.section_create)

    def perform(self, form):
        data, _version = form.service_data()
        done = data.pop("done", False)
        section = services.section_create(actor=self.request.user, bid=self.object, **data)
        if done:
            section = services.section_update(actor=self.request.user, section=section, done=True)
        return section

    def get_initial(self):
        part = self.request.GET.get("part")
        owner = self.object.technical_owner if part == "technical" else self.object.business_owner
        return {"part": part if part in ("business", "technical", "other") else "business", "kind": "other",
                "owner": owner.pk if owner else None}


class MilestoneCreateView(ChildCreateView):
    form_class = MilestoneForm
    page_title = gettext_lazy("New milestone")
    success_message = gettext_lazy("Milestone added.")
    service = staticmethod(services.milestone_create)

    def perform(self, form):
        data, _version = form.service_data()
        data.pop("done", None)
        return services.milestone_create(actor=self.request.user, bid=self.object, **data)


class MeetingCreateView(ChildCreateView):
    form_class = MeetingForm
    page_title = gettext_lazy("Coordination meeting")
    success_message = gettext_lazy("Meeting recorded.")
    service = staticmethod(services.meeting_create)


class DeviationCreateView(ChildCreateView):
    form_class = DeviationForm
    page_title = gettext_lazy("New deviation table row")
    success_message = gettext_lazy("Row added.")
    service = staticmethod(services.deviation_create)


class ReviewItemCreateView(ChildCreateView):
    form_class = ReviewItemForm
    page_title = gettext_lazy("New review item")
    success_message = gettext_lazy("Review item added.")
    service = staticmethod(services.review_item_create)


class ChildUpdateView(BidChildFormView):
    service = None
    target = ""

    def get_form_kwargs(self):
        return _edit_kwargs(self, super().get_form_kwargs())

    def perform(self, form):
        data, version = form.service_data()
        return type(self).service(actor=self.request.user, expected_version=version,
                                  **{self.target: self.object}, **data)


class SectionUpdateView(ChildUpdateView):
    model = Section
    form_class = SectionForm
    page_title = gettext_lazy("Edit section")
    success_message = gettext_lazy("Section saved.")
    service = staticmethod(services.section_update)
    target = "section"


class MilestoneUpdateView(ChildUpdateView):
    model = Milestone
    form_class = MilestoneForm
    page_title = gettext_lazy("Edit milestone")
    success_message = gettext_lazy("Milestone saved.")
    service = staticmethod(services.milestone_update)
    target = "milestone"


class MeetingUpdateView(ChildUpdateView):
    model = Meeting
    form_class = MeetingForm
    page_title = gettext_lazy("Edit meeting")
    success_message = gettext_lazy("Meeting saved.")
    service = staticmethod(services.meeting_update)
    target = "meeting"


class DeviationUpdateView(ChildUpdateView):
    model = DeviationRow
    form_class = DeviationForm
    page_title = gettext_lazy("Edit deviation table row")
    success_message = gettext_lazy("Row saved.")
    service = staticmethod(services.deviation_update)
    target = "row"


class ReviewItemUpdateView(ChildUpdateView):
    model = ReviewItem
    form_class = ReviewItemForm
    page_title = gettext_lazy("Edit review item")
    success_message = gettext_lazy("Review item saved.")
    service = staticmethod(services.review_item_update)
    target = "item"


class ToggleView(BidChildFormView):
    """POST only: tick or untick a checklist item (`value` 1 or 0, `version`)."""

    field = ""
    service = None
    target = ""

    def get(self, request, *args, **kwargs):
        return HttpResponseNotAllowed(["POST"])

    def post(self, request, *args, **kwargs):
        version = request.POST.get("version")
        try:
            type(self).service(actor=request.user, expected_version=int(version) if version and version.isdigit() else None,
                               **{self.target: self.object, self.field: request.POST.get("value") == "1"})
        except DomainError as exc:
            messages.error(request, exc.message)
            if exc.status_code == 412:
                return HttpResponse(exc.message, status=412)
        return HttpResponseRedirect(self.object.get_absolute_url())


class ReviewToggleView(ToggleView):
    model = ReviewItem
    field, target = "checked", "item"
    service = staticmethod(services.review_item_update)


class SectionToggleView(ToggleView):
    model = Section
    field, target = "done", "section"
    service = staticmethod(services.section_update)


# --- deviation import, exports ------------------------------------------------------------------------


class DeviationImportView(BidFormView):
    form_class = ImportForm
    page_title = gettext_lazy("Import the deviation table")
    submit_label = gettext_lazy("Import")

    def perform(self, form):
        upload = form.cleaned_data["file"]
        count = services.deviation_import(actor=self.request.user, bid=self.object, file_name=upload.name,
                                          content=upload.read())
        messages.success(self.request, _("%(count)s rows imported.") % {"count": count})
        return count

    def get_success_url(self):
        return self.object.get_absolute_url() + "#technical"


class ExportView(BidFormView):
    """GET: generate the file, archive it as a registered document (new version if it changed),
    and download it."""

    DOCUMENTS = {
        "deviation_table": (services.deviation_table_archive,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        "bid_summary": (services.bid_summary_archive,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    }

    def get(self, request, *args, **kwargs):
        spec = self.DOCUMENTS.get(kwargs["document"])
        if spec is None:
            raise Http404
        make, content_type, extension = spec
        try:
            content, _document = make(actor=request.user, bid=self.object)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.object.get_absolute_url())
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.object.number}-{kwargs["document"]}.{extension}"'
        return response


# --- submission, receipt, result ----------------------------------------------------------------------


class SteerFormView(BidFormView):
    permission_check = staticmethod(permissions.can_steer)

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        return ctx


class SubmitView(SteerFormView):
    form_class = SubmitForm
    template_name = "bids/submit.html"
    page_title = gettext_lazy("Sealed submission")
    submit_label = gettext_lazy("Mark as submitted")
    success_message = gettext_lazy("The bid is marked as submitted.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["problems"] = services.submission_problems(self.object)
        ctx["countdown"] = clock.countdown(self.object.deadline, timezone.now())
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.bid_submit(actor=self.request.user, bid=self.object, method=data["method"], note=data["note"],
                                   expected_version=data.get("version"))


class WithdrawView(SteerFormView):
    form_class = WithdrawForm
    page_title = gettext_lazy("Withdraw the bid")
    submit_label = gettext_lazy("Withdraw")
    success_message = gettext_lazy("The bid is withdrawn.")

    def perform(self, form):
        data = form.cleaned_data
        return services.bid_withdraw(actor=self.request.user, bid=self.object, reason=data["reason"],
                                     expected_version=data.get("version"))


class ReceiptView(SteerFormView):
    form_class = ReceiptForm
    page_title = gettext_lazy("Receipt")
    success_message = gettext_lazy("Receipt recorded.")

    def get_initial(self):
        bid = self.object
        return {"version": bid.version, "receipt_number": bid.receipt_number, "received_by": bid.receipt_received_by,
                "received_at": timezone.localtime(bid.receipt_at or bid.submitted_at or timezone.now())}

    def perform(self, form):
        data = form.cleaned_data
        return services.receipt_record(actor=self.request.user, bid=self.object,
                                       receipt_number=data["receipt_number"], received_by=data["received_by"],
                                       received_at=data["received_at"], scan=data.get("scan"),
                                       expected_version=data.get("version"))


class ResultView(SteerFormView):
    form_class = ResultForm
    page_title = gettext_lazy("Result and ranking")
    success_message = gettext_lazy("Result recorded.")

    def get_initial(self):
        bid = self.object
        return {"version": bid.version, "result": bid.result, "our_rank": bid.our_rank,
                "bidder_count": bid.bidder_count, "winning_bidder": bid.winning_bidder,
                "winning_price": bid.winning_price, "our_price": bid.our_price, "result_notes": bid.result_notes}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.result_record(actor=self.request.user, bid=self.object, expected_version=version, **data)



