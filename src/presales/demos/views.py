"""Demo pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView

from . import exports, permissions, selectors, services
from .choices import Status
from .filtersets import DemoFilterSet
from .forms import (
    DeckForm,
    DeliveryForm,
    DemoForm,
    EnvironmentCheckForm,
    MaterialForm,
    MoveForm,
    PreparationForm,
    QuestionForm,
    SummaryForm,
)
from .models import Demo, DemoMaterial, DemoQuestion
from .workflow import REASON_REQUIRED, demo_flow

# --- bases ------------------------------------------------------------


class FormPageMixin(BaseFormPageMixin):
    """Form pages of a demo or of one of its records: back to the demo, which the intro names."""

    list_url_name = "demos:list"

    def _demo(self):
        obj = getattr(self, "object", None)
        return getattr(obj, "demo", obj)

    def get_back_url(self):
        demo = self._demo()
        return demo.get_absolute_url() if demo is not None else reverse("demos:list")

    def get_intro(self):
        demo = self._demo()
        if isinstance(demo, Demo):
            return (
                f"{demo.title} · {demo.customer.name} · {timezone.localtime(demo.planned_at):%Y-%m-%d %H:%M}"
            )
        return ""


class DemoFormView(FormPageMixin, ScopedObjectFormView):
    """A form acting on one demo the user can see; `permission_check(user, demo)` → 403."""

    model = Demo
    permission_check = staticmethod(permissions.can_work_on)

    def get_queryset(self):
        return super().get_queryset().select_related("opportunity", "customer")


class DemoChildFormView(FormPageMixin, ScopedObjectFormView):
    """A form acting on a record of a demo; the permission is checked on its demo."""

    permission_check = staticmethod(permissions.can_work_on)

    def get_queryset(self):
        return super().get_queryset().select_related("demo", "demo__opportunity", "demo__customer")

    def check_object_permission(self, obj):
        if not type(self).permission_check(self.request.user, obj.demo):
            raise PermissionDenied


# --- list, create, detail ------------------------------------------------------------


class DemoListView(ScopedListView):
    model = Demo
    filterset_class = DemoFilterSet
    template_name = "demos/demo_list.html"

    def get_scoped_queryset(self):
        return selectors.demo_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_any(self.request.user)
        ctx["status_counts"] = selectors.status_counts(user=self.request.user)
        return ctx


def _opportunities_for(user):
    """Open opportunities the user may see and plan a demo for (the service re-checks)."""
    from django.db.models import Q

    from presales.core.permissions import is_manager
    from presales.opportunities.models import Opportunity

    qs = Opportunity.objects.visible_to(user).open().select_related("customer").order_by("-created_at", "-pk")
    if not is_manager(user):
        qs = qs.filter(
            Q(presales_lead=user) | Q(team_id__in=list(user.led_team_ids)) | Q(members=user)
        ).distinct()
    return qs


class DemoCreateView(FormPageMixin, ServiceFormView):
    form_class = DemoForm
    page_title = gettext_lazy("New demo")
    success_message = gettext_lazy(
        "Demo planned: now prepare the materials, the environment and the rehearsal."
    )

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_any(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["opportunities"] = _opportunities_for(self.request.user)
        return kwargs

    def get_initial(self):
        start = (timezone.localtime() + timezone.timedelta(days=3)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
        initial = {"planned_at": start, "presenters": [self.request.user.pk]}
        opportunity_id = self.request.GET.get("opportunity")
        if opportunity_id and opportunity_id.isdigit():
            opportunity = _opportunities_for(self.request.user).filter(pk=int(opportunity_id)).first()
            if opportunity is not None:
                initial.update(
                    opportunity=opportunity.pk, title=_("Demo: %(name)s") % {"name": opportunity.name}
                )
        return initial

    def perform(self, form):
        data, _version = form.service_data()
        self.object = services.demo_create(actor=self.request.user, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


def available_moves(demo: Demo, user) -> list[dict]:
    moves = []
    for transition in demo_flow.targets_from(demo.status):
        moves.append(
            {
                "target": transition.target,
                "label": Status(transition.target).label,
                "action": transition.action,
                "permitted": transition.allowed(user, demo),
                "reasons": demo_flow.unmet_conditions(demo, transition) if transition.gated else [],
                "needs_reason": transition.action in REASON_REQUIRED,
            }
        )
    return moves


class DemoDetailView(ScopedDetailView):
    model = Demo
    template_name = "demos/demo_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "opportunity",
                "customer",
                "opportunity__presales_lead",
                "opportunity__sales_owner",
                "deck_document",
                "summary_document",
                "environment_checked_by",
                "created_by",
            )
            .prefetch_related("opportunity__members", selectors.prefetch_presenters())
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, demo = self.request.user, self.object
        ctx.update(selectors.demo_detail_context(demo=demo))
        # the manual moves: prepare, reopen, cancel (delivery and summary have their own forms)
        moves = [
            m
            for m in available_moves(demo, user)
            if m["target"] != Status.DELIVERED and m["target"] != Status.SUMMARISED
        ]
        ctx.update(
            can_work=permissions.can_work_on(user, demo),
            can_steer=permissions.can_steer(user, demo),
            can_questions=permissions.can_record_questions(user, demo),
            is_planned=demo.status == Status.PLANNED,
            is_open=demo.status in (Status.PLANNED, Status.PREPARED),
            delivery_editable=demo.status in (Status.PREPARED, Status.DELIVERED),
            questions_open=demo.status in (Status.DELIVERED, Status.SUMMARISED),
            summary_editable=demo.status in (Status.DELIVERED, Status.SUMMARISED),
            is_overdue=demo.status in (Status.PLANNED, Status.PREPARED) and demo.planned_at < timezone.now(),
            moves=moves,
            presenters=list(demo.presenters.all()),
        )
        return ctx


class DemoUpdateView(DemoFormView):
    form_class = DemoForm
    page_title = gettext_lazy("Edit the demo plan")
    success_message = gettext_lazy("Demo plan saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        if self.request.method == "GET":
            kwargs["initial"] = DemoForm.initial_from(self.object)
        return kwargs

    def perform(self, form):
        data, version = form.service_data()
        return services.demo_update(
            actor=self.request.user, demo=self.object, expected_version=version, **data
        )


# --- preparation ------------------------------------------------------------


class PreparationView(DemoFormView):
    form_class = PreparationForm
    page_title = gettext_lazy("Demo environment and rehearsal")
    success_message = gettext_lazy("Preparation saved.")

    def get_initial(self):
        return PreparationForm.initial_from(self.object)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.preparation_update(
            actor=self.request.user, demo=self.object, expected_version=version, **data
        )


class EnvironmentCheckView(DemoFormView):
    form_class = EnvironmentCheckForm
    page_title = gettext_lazy("Check the demo environment")
    success_message = gettext_lazy("Environment check recorded.")

    def get_initial(self):
        return {"checked": True, "version": self.object.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.environment_check(
            actor=self.request.user,
            demo=self.object,
            checked=data["checked"],
            expected_version=data.get("version"),
        )


class MaterialCreateView(DemoFormView):
    form_class = MaterialForm
    page_title = gettext_lazy("New material")
    success_message = gettext_lazy("Material added to the checklist.")

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.material_create(actor=self.request.user, demo=self.object, **data)


class MaterialUpdateView(DemoChildFormView):
    model = DemoMaterial
    form_class = MaterialForm
    page_title = gettext_lazy("Edit material")
    success_message = gettext_lazy("Material saved.")

    def get_initial(self):
        return MaterialForm.initial_from(self.object)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.material_update(
            actor=self.request.user, material=self.object, expected_version=version, **data
        )


class DeckUploadView(DemoFormView):
    form_class = DeckForm
    page_title = gettext_lazy("Upload the demo deck")
    success_message = gettext_lazy("Demo deck registered in the document archive.")

    def perform(self, form):
        data = form.cleaned_data
        return services.deck_upload(
            actor=self.request.user,
            demo=self.object,
            file=data.get("file"),
            title=data.get("title", ""),
            change_summary=data.get("change_summary", ""),
        )


# --- status ------------------------------------------------------------


class MoveView(DemoFormView):
    form_class = MoveForm
    template_name = "demos/move.html"
    success_message = gettext_lazy("Demo status changed.")
    permission_check = None  # the transition decides (services.demo_move)

    def get_target(self) -> str:
        return self.request.POST.get("to_status") or self.request.GET.get("to") or ""

    def get_initial(self):
        return {"to_status": self.get_target(), "version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        target = self.get_target()
        ctx["move"] = next(
            (m for m in available_moves(self.object, self.request.user) if m["target"] == target), None
        )
        ctx["title"] = (
            _("Move to “%(status)s”") % {"status": Status(target).label}
            if target in Status.values
            else _("Move")
        )
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.demo_move(
            actor=self.request.user,
            demo=self.object,
            to_status=data["to_status"],
            reason=data["reason"],
            expected_version=data.get("version"),
        )


# --- delivery, questions, summary ------------------------------------------------------------


class DeliveryView(DemoFormView):
    form_class = DeliveryForm
    page_title = gettext_lazy("Demo delivery")
    success_message = gettext_lazy("Delivery recorded: add the customer's questions, then write the summary.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["demo"] = self.object
        return kwargs

    def get_initial(self):
        return DeliveryForm.initial_from(self.object, list(self.object.attendees.all()))

    def perform(self, form):
        data = form.cleaned_data
        return services.delivery_record(
            actor=self.request.user,
            demo=self.object,
            delivered_at=data["delivered_at"],
            duration_minutes=data["duration_minutes"],
            attendees=form.attendees(),
            notes=data["notes"],
            expected_version=data.get("version"),
        )


class QuestionCreateView(DemoFormView):
    form_class = QuestionForm
    page_title = gettext_lazy("New customer question")
    success_message = gettext_lazy("Question recorded.")
    permission_check = staticmethod(permissions.can_record_questions)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["demo"] = self.object
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.question_create(actor=self.request.user, demo=self.object, **data)

    def get_success_url(self):
        return f"{self.object.get_absolute_url()}#questions"


class QuestionUpdateView(DemoChildFormView):
    model = DemoQuestion
    form_class = QuestionForm
    page_title = gettext_lazy("Edit customer question")
    success_message = gettext_lazy("Question saved.")
    permission_check = staticmethod(permissions.can_record_questions)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["demo"] = self.object.demo
        return kwargs

    def get_initial(self):
        return QuestionForm.initial_from(self.object)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.question_update(
            actor=self.request.user, demo_question=self.object, expected_version=version, **data
        )


class SummaryView(DemoFormView):
    form_class = SummaryForm
    page_title = gettext_lazy("Demo summary report")
    success_message = gettext_lazy("Summary report saved and archived.")

    def get_initial(self):
        return SummaryForm.initial_from(self.object)

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.summary_record(
            actor=self.request.user, demo=self.object, expected_version=version, **data
        )


class ExportView(ScopedDetailView):
    """The summary report as DOCX (the archived copy is in the document archive)."""

    model = Demo

    def get_queryset(self):
        return super().get_queryset().select_related("customer", "opportunity")

    def get(self, request, *args, **kwargs):
        demo = self.get_object()
        content, file_name = exports.summary_docx(demo)
        response = HttpResponse(content, content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response
