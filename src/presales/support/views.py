"""Support request pages. Thin: scope, form, service, redirect."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.lean import fetch_tuples
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView

from . import permissions, selectors, services
from .filtersets import SupportRequestFilterSet
from .forms import ACTION_FORMS, AssignForm, CancelForm, CompleteForm, RespondForm, SupportRequestForm
from .models import SupportRequest


class SupportRequestListView(XlsxListExport, ScopedListView):
    export_title = _("Support requests")
    export_select_related = ("customer", "requester", "assignee", "team")
    export_columns = [
        Column(_("Number"), "number", width=16),
        Column(_("Title"), "title", width=30),
        Column(_("Customer"), "customer", width=26),
        Column(_("Type"), choice_label("request_type"), width=12),
        Column(_("Priority"), choice_label("priority"), width=8),
        Column(_("Status"), choice_label("status"), width=10),
        Column(_("Requested by"), "requester", width=12),
        Column(_("Assigned engineer"), "assignee", width=12),
        Column(_("Presales team"), "team", width=14),
        Column(_("Submitted at"), "submitted_at", "datetime", 18),
        Column(_("First response due"), "response_due_at", "datetime", 18),
        Column(_("First response at"), "first_response_at", "datetime", 18),
        Column(_("Wanted by"), "wanted_by", "datetime", 18),
        Column(_("Done at"), "done_at", "datetime", 18),
    ]

    model = SupportRequest
    filterset_class = SupportRequestFilterSet
    template_name = "support/request_list.html"

    def get_scoped_queryset(self):
        return selectors.request_list(user=self.request.user)

    def paginate_queryset(self, queryset, page_size):
        """The page as plain rows of the columns it prints (`support_tags.support_rows`); the XLSX
        export reads the whole objects (`get_export_queryset`). Time stamps through psycopg's C
        loader on PostgreSQL (`fetch_tuples`, decision 52): the same instants."""
        rows = selectors.list_rows(queryset)
        paginator, page, rows, is_paginated = super().paginate_queryset(rows, page_size)
        page.object_list = rows = fetch_tuples(rows)
        return paginator, page, rows, is_paginated

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_submit"] = permissions.can_submit(self.request.user)
        return ctx


class SupportRequestDetailView(ScopedDetailView):
    model = SupportRequest
    template_name = "support/request_detail.html"
    context_object_name = "support_request"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("customer", "opportunity", "requester", "assignee", "team", "created_by")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        obj = self.object
        ctx.update(selectors.request_detail_context(support_request=obj, user=self.request.user))
        # One form per action the user may take now; distinct ids, the same field names as the
        # action pages (an invalid post re-renders there with the field errors).
        ctx["action_forms"] = [
            (action, ACTION_FORMS[action](initial={"version": obj.version}, auto_id=f"id_{action}_%s"))
            for action in ctx["actions"]
        ]
        ctx["response_clock"] = obj.response_clock()
        ctx["due_clock"] = obj.due_clock()
        return ctx


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "support:list"


class SupportRequestCreateView(FormPageMixin, ServiceFormView):
    """Ask for support; `?customer=<id>&opportunity=<id>` preselects both (links from the
    customer and opportunity pages)."""

    form_class = SupportRequestForm
    page_title = _("New support request")
    submit_label = _("Submit request")
    intro = _("Presales will assign an engineer; the first response is due within the SLA of the priority.")
    success_message = _("Support request submitted.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_submit(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        initial = {}
        for name in ("customer", "opportunity"):
            value = self.request.GET.get(name, "")
            if value.isdigit():
                initial[name] = int(value)
        return initial

    def perform(self, form):
        self.object = services.support_request_submit(actor=self.request.user, **form.cleaned_data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


@login_required
def opportunity_options(request):
    """htmx: the <option>s of the opportunity select for the chosen customer."""
    customer_id = request.GET.get("customer", "")
    opportunities = selectors.opportunities_for_request(
        user=request.user, customer_id=int(customer_id) if customer_id.isdigit() else None
    )
    return render(request, "support/partials/opportunity_options.html", {"opportunities": opportunities})


class ActionView(FormPageMixin, ScopedObjectFormView):
    """One lifecycle step on one request: the form page (GET) and its post (from here or from the
    detail page). Visible but not allowed → 403; refused by the workflow → the reasons on the form."""

    model = SupportRequest

    def get_initial(self):
        return {"version": self.object.version}

    @property
    def page_title(self):
        return f"{self.action_title} · {self.object.number}"


class AssignView(ActionView):
    form_class = AssignForm
    permission_check = staticmethod(permissions.can_assign)
    action_title = _("Assign an engineer")
    success_message = _("Engineer assigned.")

    def perform(self, form):
        data = form.cleaned_data
        return services.support_request_assign(
            actor=self.request.user,
            support_request=self.object,
            assignee=data["assignee"],
            note=data["note"],
            expected_version=data.get("version"),
        )


class RespondView(ActionView):
    form_class = RespondForm
    permission_check = staticmethod(permissions.can_respond)
    action_title = _("Respond")
    success_message = _("Response recorded.")

    def perform(self, form):
        data = form.cleaned_data
        return services.support_request_respond(
            actor=self.request.user,
            support_request=self.object,
            note=data["note"],
            expected_version=data.get("version"),
        )


class CompleteView(ActionView):
    form_class = CompleteForm
    permission_check = staticmethod(permissions.can_complete)
    action_title = _("Complete the request")
    success_message = _("Request completed.")

    def perform(self, form):
        data = form.cleaned_data
        return services.support_request_complete(
            actor=self.request.user,
            support_request=self.object,
            outcome=data["outcome"],
            expected_version=data.get("version"),
        )


class CancelView(ActionView):
    form_class = CancelForm
    permission_check = staticmethod(permissions.can_cancel)
    action_title = _("Cancel the request")
    success_message = _("Request cancelled.")

    def perform(self, form):
        data = form.cleaned_data
        return services.support_request_cancel(
            actor=self.request.user,
            support_request=self.object,
            reason=data["reason"],
            expected_version=data.get("version"),
        )
