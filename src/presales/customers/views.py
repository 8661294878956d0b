"""Customer pages. Thin: scope, form, service, redirect."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import User
from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView
from presales.opportunities.permissions import can_create_opportunity
from presales.support.permissions import can_submit as can_submit_support_request

from . import permissions, selectors, services
from .filtersets import (
    CommunicationFilterSet,
    ComplaintFilterSet,
    CustomerFilterSet,
    FeedbackFilterSet,
    SurveyFilterSet,
    TechnicalIssueFilterSet,
)
from .forms import (
    CommunicationForm,
    ComplaintForm,
    ContactForm,
    CustomerForm,
    FeedbackForm,
    FeedbackStatusForm,
    HandleComplaintForm,
    ReassignForm,
    ReopenIssueForm,
    ResolveIssueForm,
    SurveyForm,
    TechnicalIssueForm,
    record_initial,
)
from .models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    SatisfactionSurvey,
    TechnicalIssue,
)


class CustomerListView(XlsxListExport, ScopedListView):
    list_only = (
        "name", "industry", "region", "status", "confidential", "team__name",
        *(f"{owner}__{field}" for owner in ("presales_owner", "sales_owner") for field in User.LABEL_FIELDS),
    )
    export_title = _("Customers")
    export_columns = [
        Column(_("Name"), "name", width=30),
        Column(_("Short name"), "short_name", width=12),
        Column(_("Industry"), choice_label("industry"), width=12),
        Column(_("Region"), choice_label("region"), width=10),
        Column(_("Status"), choice_label("status"), width=10),
        Column(_("Presales owner"), "presales_owner", width=12),
        Column(_("Sales owner"), "sales_owner", width=12),
        Column(_("Presales team"), "team", width=14),
        Column(_("Open opportunities"), "open_opportunities", "int", 12),
        Column(_("Created at"), "created_at", "datetime", 18),
    ]

    model = Customer
    filterset_class = CustomerFilterSet
    template_name = "customers/customer_list.html"

    def get_scoped_queryset(self):
        return selectors.customer_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_customer(self.request.user)
        return ctx


class CustomerDetailView(ScopedDetailView):
    model = Customer
    template_name = "customers/customer_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("presales_owner", "sales_owner", "team", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, customer = self.request.user, self.object
        ctx.update(selectors.customer_detail_context(customer=customer))
        ctx["can_edit"] = permissions.can_edit_customer(user, customer)
        ctx["can_reassign"] = permissions.can_reassign_customer(user, customer)
        ctx["can_contribute"] = permissions.can_contribute(user, customer)
        ctx["can_create_opportunity"] = can_create_opportunity(user)
        ctx["can_request_support"] = can_submit_support_request(user)
        # The records were read without their customer: it is this page's object.
        for key in ("communications", "technical_issues", "complaints", "surveys", "feedback_items"):
            for record in ctx[key]:
                record.customer = customer
        mark_permissions(user, ctx)
        ctx["more_communications"] = ctx["communication_stats"]["total"] > selectors.DETAIL_COMMUNICATIONS
        return ctx


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "customers:list"


class CustomerCreateView(FormPageMixin, ServiceFormView):
    form_class = CustomerForm
    page_title = _("New customer")
    success_message = _("Customer created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_customer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"presales_owner": self.request.user if self.request.user.is_presales else None}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        assistants = data.pop("assistants", [])
        self.object = services.customer_create(actor=self.request.user, assistants=assistants, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class CustomerUpdateView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = CustomerForm
    permission_check = staticmethod(permissions.can_edit_customer)
    success_message = _("Customer saved.")

    @property
    def page_title(self):
        return _("Edit %(name)s") % {"name": self.object}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        assistants = data.pop("assistants", None)
        return services.customer_update(
            actor=self.request.user, customer=self.object, expected_version=version, assistants=assistants, **data
        )


class CustomerReassignView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = ReassignForm
    permission_check = staticmethod(permissions.can_reassign_customer)
    success_message = _("Owner changed.")
    page_title = _("Reassign owner")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.customer_reassign(
            actor=self.request.user, customer=self.object, kind=data["kind"], to_user=data["to_user"],
            reason=data["reason"], expected_version=data.get("version"),
        )


class ContactCreateView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = ContactForm
    permission_check = staticmethod(permissions.can_contribute)
    success_message = _("Contact added.")
    page_title = _("New contact")

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.contact_create(actor=self.request.user, customer=self.object, **data)


class ContactUpdateView(FormPageMixin, ScopedObjectFormView):
    model = Contact
    form_class = ContactForm
    success_message = _("Contact saved.")
    page_title = _("Edit contact")

    def check_object_permission(self, obj):
        if not permissions.can_contribute(self.request.user, obj.customer):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.contact_update(actor=self.request.user, contact=self.object, expected_version=version, **data)


# --- the customer's records ----------------------------------------------------------------------

RECORD_PERMISSIONS = {
    # context key -> (attribute set on each record, permission function)
    "communications": (("can_edit", permissions.can_edit_communication),),
    "technical_issues": (("can_edit", permissions.can_work_on_issue),),
    "complaints": (("can_edit", permissions.can_handle_complaint),),
    "surveys": (("can_edit", permissions.can_edit_survey),),
    "feedback_items": (("can_edit", permissions.can_work_on_feedback),),
}


def mark_permissions(user, ctx, key: str | None = None, objects=None) -> None:
    """Set `can_edit` on each record shown, so that templates show only the actions the user may
    take. The permission functions read no rows: this adds no query per record."""
    keys = [key] if key else list(RECORD_PERMISSIONS)
    for k in keys:
        records = objects if objects is not None else ctx.get(k, ())
        for record in records:
            for attr, check in RECORD_PERMISSIONS[k]:
                setattr(record, attr, check(user, record))


class RecordListView(ScopedListView):
    """A list of one kind of record across the customers the user may see."""

    selector = None
    permission_key = ""
    tab = ""

    def get_scoped_queryset(self):
        return type(self).selector(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        page = ctx.get("page_obj")
        records = list(ctx["object_list"])
        if page is not None:
            page.object_list = records
        ctx["object_list"] = records
        mark_permissions(self.request.user, ctx, self.permission_key, records)
        ctx["tab"] = self.tab
        return ctx


class CommunicationListView(RecordListView):
    model = CommunicationLog
    selector = staticmethod(selectors.communication_list)
    filterset_class = CommunicationFilterSet
    template_name = "customers/communication_list.html"
    permission_key = "communications"
    tab = "communications"


class TechnicalIssueListView(RecordListView):
    model = TechnicalIssue
    selector = staticmethod(selectors.technical_issue_list)
    filterset_class = TechnicalIssueFilterSet
    template_name = "customers/technical_issue_list.html"
    permission_key = "technical_issues"
    tab = "technical_issues"


class ComplaintListView(RecordListView):
    model = Complaint
    selector = staticmethod(selectors.complaint_list)
    filterset_class = ComplaintFilterSet
    template_name = "customers/complaint_list.html"
    permission_key = "complaints"
    tab = "complaints"


class SurveyListView(RecordListView):
    model = SatisfactionSurvey
    selector = staticmethod(selectors.survey_list)
    filterset_class = SurveyFilterSet
    template_name = "customers/survey_list.html"
    permission_key = "surveys"
    tab = "surveys"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Over every survey the filters select (not only this page), in one aggregate query.
        ctx["summary"] = selectors.survey_summary(self.object_list)
        return ctx


class FeedbackListView(RecordListView):
    model = FeedbackItem
    selector = staticmethod(selectors.feedback_list)
    filterset_class = FeedbackFilterSet
    template_name = "customers/feedback_list.html"
    permission_key = "feedback_items"
    tab = "feedback"


class CustomerCommunicationPageView(ScopedListView):
    """One page of a customer's older communication records, as list items for the customer page
    (htmx "more" button; without JavaScript the button is a link to the filtered log list)."""

    model = CommunicationLog
    paginate_by = selectors.DETAIL_COMMUNICATIONS
    template_name = "customers/partials/communication_page.html"

    def get_scoped_queryset(self):
        self.customer = get_object_or_404(
            Customer.objects.visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        return selectors.customer_communications(customer=self.customer)

    def get_template_names(self):
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        records = list(ctx["object_list"])
        for record in records:
            record.customer = self.customer
        mark_permissions(self.request.user, ctx, "communications", records)
        ctx.update(communications=records, customer=self.customer)
        return ctx


class RecordCreateView(FormPageMixin, ScopedObjectFormView):
    """Add a record to a customer (the page's object): the service decides, the form parses."""

    model = Customer
    permission_check = staticmethod(permissions.can_contribute)
    service = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(customer=self.object, user=self.request.user)
        return kwargs

    def get_initial(self):
        initial = record_initial(self.request.user, self.object)
        # ?opportunity=<id> from an opportunity's page preselects it (the form's choices are the
        # customer's opportunities the user can see, so a foreign id selects nothing)
        opportunity = self.request.GET.get("opportunity", "")
        if opportunity.isdigit():
            initial["opportunity"] = int(opportunity)
        return initial

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["intro"] = self.object.name
        return ctx

    def perform(self, form):
        data, _version = form.service_data()
        return type(self).service(actor=self.request.user, customer=self.object, **data)


class RecordUpdateView(FormPageMixin, ScopedObjectFormView):
    """Edit a record; the version the user started from is checked by the service."""

    service = None
    service_arg = ""

    def get_queryset(self):
        return super().get_queryset().select_related("customer")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(customer=self.object.customer, user=self.request.user, instance=self.object)
        if self.request.method == "GET":
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["intro"] = self.object.customer.name
        return ctx

    def perform(self, form):
        data, version = form.service_data()
        return type(self).service(
            actor=self.request.user, expected_version=version, **{self.service_arg: self.object}, **data
        )


class RecordActionView(FormPageMixin, ScopedObjectFormView):
    """A state change of a record (resolve, reopen, handle, set status), with the version seen."""

    def get_queryset(self):
        return super().get_queryset().select_related("customer")

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["intro"] = f"{self.object.customer.name} · {self.object}"
        return ctx


# Communication log


class CommunicationCreateView(RecordCreateView):
    form_class = CommunicationForm
    service = staticmethod(services.communication_create)
    page_title = _("New communication record")
    success_message = _("Communication recorded.")


class CommunicationUpdateView(RecordUpdateView):
    model = CommunicationLog
    form_class = CommunicationForm
    permission_check = staticmethod(permissions.can_edit_communication)
    service = staticmethod(services.communication_update)
    service_arg = "communication"
    page_title = _("Edit communication record")
    success_message = _("Communication record saved.")


# Technical issues


class TechnicalIssueCreateView(RecordCreateView):
    form_class = TechnicalIssueForm
    service = staticmethod(services.technical_issue_create)
    page_title = _("New technical issue")
    success_message = _("Technical issue recorded.")


class TechnicalIssueUpdateView(RecordUpdateView):
    model = TechnicalIssue
    form_class = TechnicalIssueForm
    permission_check = staticmethod(permissions.can_work_on_issue)
    service = staticmethod(services.technical_issue_update)
    service_arg = "issue"
    page_title = _("Edit technical issue")
    success_message = _("Technical issue saved.")


class TechnicalIssueResolveView(RecordActionView):
    model = TechnicalIssue
    form_class = ResolveIssueForm
    permission_check = staticmethod(permissions.can_work_on_issue)
    page_title = _("Resolve technical issue")
    submit_label = _("Resolve")
    success_message = _("Technical issue resolved.")

    def perform(self, form):
        data = form.cleaned_data
        return services.technical_issue_resolve(
            actor=self.request.user,
            issue=self.object,
            resolution=data["resolution"],
            expected_version=data.get("version"),
        )


class TechnicalIssueReopenView(RecordActionView):
    model = TechnicalIssue
    form_class = ReopenIssueForm
    permission_check = staticmethod(permissions.can_work_on_issue)
    page_title = _("Reopen technical issue")
    submit_label = _("Reopen")
    success_message = _("Technical issue reopened.")

    def perform(self, form):
        data = form.cleaned_data
        return services.technical_issue_reopen(
            actor=self.request.user,
            issue=self.object,
            reason=data["reason"],
            expected_version=data.get("version"),
        )


# Complaints


class ComplaintCreateView(RecordCreateView):
    form_class = ComplaintForm
    service = staticmethod(services.complaint_create)
    page_title = _("New complaint")
    success_message = _("Complaint recorded.")


class ComplaintUpdateView(RecordUpdateView):
    model = Complaint
    form_class = ComplaintForm
    permission_check = staticmethod(permissions.can_handle_complaint)
    service = staticmethod(services.complaint_update)
    service_arg = "complaint"
    page_title = _("Edit complaint")
    success_message = _("Complaint saved.")


class ComplaintHandleView(RecordActionView):
    model = Complaint
    form_class = HandleComplaintForm
    permission_check = staticmethod(permissions.can_handle_complaint)
    page_title = _("Handle complaint")
    submit_label = _("Mark handled")
    success_message = _("Complaint handled.")

    def perform(self, form):
        data = form.cleaned_data
        return services.complaint_handle(
            actor=self.request.user,
            complaint=self.object,
            handling=data["handling"],
            expected_version=data.get("version"),
        )


# Satisfaction surveys


class SurveyCreateView(RecordCreateView):
    form_class = SurveyForm
    service = staticmethod(services.survey_create)
    page_title = _("New satisfaction survey")
    success_message = _("Survey entered.")


class SurveyUpdateView(RecordUpdateView):
    model = SatisfactionSurvey
    form_class = SurveyForm
    permission_check = staticmethod(permissions.can_edit_survey)
    service = staticmethod(services.survey_update)
    service_arg = "survey"
    page_title = _("Correct satisfaction survey")
    success_message = _("Survey corrected.")


# Feedback items


class FeedbackCreateView(RecordCreateView):
    form_class = FeedbackForm
    service = staticmethod(services.feedback_create)
    page_title = _("New feedback item")
    success_message = _("Feedback item recorded.")


class FeedbackUpdateView(RecordUpdateView):
    model = FeedbackItem
    form_class = FeedbackForm
    permission_check = staticmethod(permissions.can_work_on_feedback)
    service = staticmethod(services.feedback_update)
    service_arg = "item"
    page_title = _("Edit feedback item")
    success_message = _("Feedback item saved.")


class FeedbackStatusView(RecordActionView):
    model = FeedbackItem
    form_class = FeedbackStatusForm
    permission_check = staticmethod(permissions.can_work_on_feedback)
    page_title = _("Change feedback status")
    success_message = _("Feedback status changed.")

    def perform(self, form):
        data = form.cleaned_data
        return services.feedback_set_status(
            actor=self.request.user,
            item=self.object,
            status=data["status"],
            resolution=data["resolution"],
            expected_version=data.get("version"),
        )
