"""Opportunity pages. Thin: scope, form, service, redirect (or an htmx partial)."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from django_htmx.http import HttpResponseClientRedirect

from presales.accounts.models import User
from presales.core.errors import DomainError
from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.permissions import sees_everything
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView
from presales.customers.choices import Industry
from presales.forecast.selectors import attach_win_probability, order_by_probability, with_win_probability

from . import permissions, selectors, services
from .filtersets import BoardFilterSet, OpportunityFilterSet
from .forms import (
    AssignLeadForm,
    FileForm,
    HandoverForm,
    MemberForm,
    MoveForm,
    OpportunityForm,
    RetrospectiveForm,
)
from .models import Handover, Opportunity, Retrospective
from .workflow import available_moves


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "opportunities:list"


class OpportunityListView(XlsxListExport, ScopedListView):
    export_title = _("Opportunities")
    export_columns = [
        Column(_("Number"), "number", width=16),
        Column(_("Name"), "name", width=30),
        Column(_("Customer"), "customer", width=26),
        Column(_("Industry"), lambda o: Industry(o.industry).label if o.industry in Industry.values else o.industry,
               width=12),
        Column(_("Stage"), choice_label("stage"), width=12),
        Column(_("Progress status"), choice_label("progress"), width=16),
        Column(_("Estimated amount (CNY)"), "estimated_amount", "money", 18),
        Column(_("Expected close date"), "expected_close_on", "date", 14),
        Column(_("Presales lead"), "presales_lead", width=12),
        Column(_("Sales owner"), "sales_owner", width=12),
        Column(_("Presales team"), "team", width=14),
        Column(_("Created at"), "created_at", "datetime", 18),
        Column(_("Closed at"), "closed_at", "datetime", 18),
    ]

    model = Opportunity
    filterset_class = OpportunityFilterSet
    template_name = "opportunities/opportunity_list.html"

    def get_scoped_queryset(self):
        qs = with_win_probability(selectors.opportunity_list(user=self.request.user))
        return order_by_probability(qs) if self.request.GET.get("sort") == "probability" else qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_opportunity(self.request.user)
        return ctx


class BoardQueryMixin:
    """The board's scope and filters, read from the URL the same way by the page (column headers)
    and by each column's cards (loaded lazily): one filter set, one scope."""

    def board_query(self):
        qs = selectors.opportunity_list(user=self.request.user)
        filterset = BoardFilterSet(self.request.GET or None, queryset=qs, request=self.request)
        filtered = False
        if filterset.is_bound:
            qs = filterset.qs if filterset.is_valid() else qs.none()
            # An empty value filters nothing ("only mine" off included: the board has no other
            # yes/no filter).
            filtered = not filterset.is_valid() or any(
                value not in (None, "", [], (), False) for value in filterset.form.cleaned_data.values()
            )
        by = "progress" if self.request.GET.get("by") == "progress" else "stage"
        return filterset, qs, filtered, by


class OpportunityBoardView(LoginRequiredMixin, BoardQueryMixin, TemplateView):
    """The open stages as columns: counts and summed amounts at once; each column's soonest-closing
    cards are loaded by the browser from `OpportunityBoardCardsView` (htmx, on load)."""

    template_name = "opportunities/opportunity_board.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{self.template_name}#board"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        filterset, qs, filtered, by = self.board_query()
        ctx["filterset"] = filterset
        ctx["by"] = by
        ctx["columns"] = selectors.board(
            queryset=qs, by=by, use_totals=not filtered and sees_everything(self.request.user)
        )
        # The filters (and `by`) of this board, for each column's cards request.
        ctx["board_query"] = self.request.GET.urlencode()
        ctx["can_create"] = permissions.can_create_opportunity(self.request.user)
        return ctx


class OpportunityBoardCardsView(LoginRequiredMixin, BoardQueryMixin, TemplateView):
    """One column's cards (an htmx fragment of the board): the same scope and filters as the board,
    from the same query string; a column that is not on the board is a 404."""

    template_name = "opportunities/partials/board_cards.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        _filterset, qs, _filtered, by = self.board_query()
        if kwargs["key"] not in selectors.board_keys(by)[1]:
            raise Http404
        ctx["by"] = by
        ctx["cards"] = selectors.board_cards(queryset=qs, by=by, key=kwargs["key"])
        attach_win_probability(ctx["cards"])
        return ctx


class OpportunityDetailView(ScopedDetailView):
    model = Opportunity
    template_name = "opportunities/opportunity_detail.html"

    def get_queryset(self):
        return selectors.opportunity_page_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.opportunity_detail_context(opportunity=self.object, user=self.request.user))
        ctx["move_form"] = move_form_for(self.object, ctx["moves"], ctx["can_override"])
        return ctx


def move_form_for(opportunity, moves, can_override, data=None):
    permitted = [m for m in moves if m.permitted]
    return MoveForm(
        data,
        moves=permitted,
        can_override=can_override and any(m.reasons for m in permitted),
        initial={"version": opportunity.version},
    )


class OpportunityCreateView(FormPageMixin, ServiceFormView):
    form_class = OpportunityForm
    page_title = _("New opportunity")
    success_message = _("Opportunity created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_opportunity(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        """`?customer=<id>` (e.g. from the customer page) preselects a customer the user can see."""
        initial = {}
        customer_id = self.request.GET.get("customer", "")
        if customer_id.isdigit():
            from presales.customers.models import Customer

            customer = Customer.objects.visible_to(self.request.user).filter(pk=customer_id).first()
            if customer is not None:
                initial["customer"] = customer
                self.customer = customer
        if self.request.user.is_presales:
            initial["presales_lead"] = self.request.user
        return initial

    def get_back_url(self):
        customer = getattr(self, "customer", None)
        return customer.get_absolute_url() if customer is not None else reverse("opportunities:list")

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        self.object = services.opportunity_create(actor=self.request.user, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class OpportunityUpdateView(FormPageMixin, ScopedObjectFormView):
    model = Opportunity
    form_class = OpportunityForm
    permission_check = staticmethod(permissions.can_edit_opportunity)
    success_message = _("Opportunity saved.")

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
        members = data.pop("members", None)
        return services.opportunity_update(
            actor=self.request.user,
            opportunity=self.object,
            expected_version=version,
            members=members,
            **data,
        )


class HtmxRedirectMixin:
    """After a successful htmx POST, tell htmx to load the next page (not swap a redirect in)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if getattr(self.request, "htmx", False) and isinstance(response, HttpResponseRedirect):
            return HttpResponseClientRedirect(response["Location"])
        return response


class OpportunityMoveView(HtmxRedirectMixin, ScopedObjectFormView):
    """Move the stage. A refused move shows its reasons in the move panel of the detail page (the
    whole page, or with htmx the panel alone)."""

    model = Opportunity
    form_class = MoveForm
    template_name = "opportunities/opportunity_detail.html"

    def get_queryset(self):
        return selectors.opportunity_detail_queryset(user=self.request.user)

    def check_object_permission(self, obj):
        if not permissions.can_move_stage(self.request.user, obj):
            raise PermissionDenied

    def get_template_names(self):
        if getattr(self.request, "htmx", False):
            return [f"{self.template_name}#move_panel"]
        return [self.template_name]

    def get_form(self, form_class=None):
        self.moves = available_moves(self.object, self.request.user)
        data = self.request.POST if self.request.method == "POST" else None
        return move_form_for(self.object, self.moves, permissions.can_override_gate(self.request.user), data)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.opportunity_detail_context(opportunity=self.object, user=self.request.user))
        ctx["move_form"] = ctx["form"]
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        self.success_message = _("Moved to “%(stage)s”.") % {
            "stage": dict(form.fields["to_stage"].choices).get(data["to_stage"], data["to_stage"])
        }
        return services.opportunity_move(
            actor=self.request.user,
            opportunity=self.object,
            to_stage=data["to_stage"],
            reason=data["reason"],
            override=data.get("override", False),
            expected_version=data.get("version"),
        )


class OpportunityAssignLeadView(FormPageMixin, ScopedObjectFormView):
    model = Opportunity
    form_class = AssignLeadForm
    success_message = _("Presales lead assigned.")
    page_title = _("Assign the presales lead")

    def check_object_permission(self, obj):
        user = self.request.user
        if not (permissions.can_assign_lead(user, obj) or permissions.can_claim_lead(user, obj)):
            raise PermissionDenied

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not permissions.can_assign_lead(self.request.user, self.object):
            # Claiming: an engineer of the team takes the opportunity nobody leads yet.
            form.fields["presales_lead"].queryset = User.objects.filter(pk=self.request.user.pk)
        return form

    def get_initial(self):
        return {"version": self.object.version, "presales_lead": self.object.presales_lead}

    def perform(self, form):
        data = form.cleaned_data
        return services.opportunity_assign_lead(
            actor=self.request.user,
            opportunity=self.object,
            presales_lead=data["presales_lead"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )


class MemberAddView(FormPageMixin, ScopedObjectFormView):
    model = Opportunity
    form_class = MemberForm
    permission_check = staticmethod(permissions.can_manage_members)
    success_message = _("Team member added.")
    page_title = _("Add a team member")

    def perform(self, form):
        return services.member_add(
            actor=self.request.user, opportunity=self.object, user=form.cleaned_data["user"]
        )


class MemberRemoveView(ScopedObjectFormView):
    """POST only (a button on the detail page)."""

    model = Opportunity
    form_class = MemberForm
    permission_check = staticmethod(permissions.can_manage_members)
    http_method_names = ["post"]
    success_message = _("Team member removed.")

    def post(self, request, *args, **kwargs):
        user = get_object_or_404(User, pk=self.kwargs["user_pk"])
        try:
            services.member_remove(actor=request.user, opportunity=self.object, user=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(self.object.get_absolute_url())


class ChildFormView(FormPageMixin, ScopedObjectFormView):
    """The opportunity's one retrospective or handover: written the first time, edited after."""

    model = Opportunity
    child_model = None
    service = None

    def get_child(self):
        return self.child_model.objects.filter(opportunity_id=self.object.pk).first()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            child = self.get_child()
            if child is not None:
                kwargs["instance"] = child
                kwargs["initial"] = {"version": child.version}
            else:
                kwargs["initial"] = self.get_new_initial()
        return kwargs

    def get_new_initial(self):
        return {}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return type(self).service(
            actor=self.request.user, opportunity=self.object, expected_version=version, **data
        )


class RetrospectiveView(ChildFormView):
    child_model = Retrospective
    form_class = RetrospectiveForm
    service = staticmethod(services.retrospective_save)
    permission_check = staticmethod(permissions.can_write_retrospective)
    success_message = _("Retrospective saved.")
    page_title = _("Retrospective")
    intro = _("Closing an opportunity as won, lost or abandoned needs a retrospective with that outcome.")

    def get_new_initial(self):
        outcome = self.object.stage if self.object.is_closed else None
        people = [self.object.presales_lead, self.object.sales_owner, *self.object.members.all()]
        return {
            "outcome": outcome,
            "held_on": timezone.localdate(),
            "participants": "、".join(dict.fromkeys(str(p) for p in people if p is not None)),
        }


class RetrospectiveFileView(FormPageMixin, ScopedObjectFormView):
    """File the retrospective in the document archive (a numbered document; later a new version)."""

    model = Opportunity
    form_class = FileForm
    permission_check = staticmethod(permissions.can_write_retrospective)
    page_title = _("File the retrospective in the document archive")
    intro = _(
        "The retrospective is generated as a Word document and filed with the project's documents: the first "
        "time as a new numbered document, afterwards as a new version of the same document."
    )
    submit_label = _("File it")

    def perform(self, form):
        document = services.retrospective_archive(
            actor=self.request.user, opportunity=self.object, change_summary=form.cleaned_data["change_summary"]
        )
        messages.success(
            self.request,
            _("Filed as document %(number)s, version %(version)s.")
            % {"number": document.number, "version": document.current_version.number},
        )
        return document


class HandoverView(ChildFormView):
    child_model = Handover
    form_class = HandoverForm
    service = staticmethod(services.handover_save)
    permission_check = staticmethod(permissions.can_write_handover)
    success_message = _("Handover saved.")
    page_title = _("Handover to delivery")
    intro = _("Prepared while negotiating: closing an opportunity as won needs the handover.")
