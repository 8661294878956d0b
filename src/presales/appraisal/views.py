"""Pages of the appraisal module: thin views over services and selectors (scope = 404, action not
allowed = 403, rule refused = a form error and nothing saved)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from presales.core.errors import DomainError
from presales.core.views import FormPageMixin, ScopedListView, ServiceFormView

from . import exports, permissions, selectors, services
from .choices import PUBLISHED_STEPS, CycleStatus, Source, Step
from .forms import AdjustmentForm, AnswerForm, CycleForm, EntriesForm, MoveForm, ParticipantForm
from .models import Appraisal, Cycle
from .workflow import appraisal_flow


def _version(form):
    return form.cleaned_data.get("version") or None


def _on_form(call):
    """Run a cycle service; its `grade_bands` errors belong to the form's `bands_text` field."""
    try:
        return call()
    except DomainError as exc:
        if "grade_bands" in exc.errors:
            exc.errors["bands_text"] = exc.errors.pop("grade_bands")
        raise


# --- cycles ----------------------------------------------------------------------------------------


class CycleListView(ScopedListView):
    model = Cycle
    template_name = "appraisal/cycle_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(
                participants=Count("appraisals", distinct=True),
                published=Count(
                    "appraisals", filter=Q(appraisals__status__in=PUBLISHED_STEPS), distinct=True
                ),
            )
            .order_by("-year", "-quarter", "-pk")
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_manage"] = permissions.can_manage_cycles(user)
        ctx["mine"] = (
            Appraisal.objects.filter(employee=user).select_related("cycle").order_by("-cycle__start_on")[:8]
        )
        ctx["peer_count"] = selectors.peer_requests(user).count()
        ctx["to_review"] = (
            Appraisal.objects.visible_to(user).filter(supervisor=user, status=Step.SUPERVISOR_REVIEW).count()
        )
        return ctx


class CommitteeRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_manage_cycles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CycleCreateView(CommitteeRequiredMixin, FormPageMixin, ServiceFormView):
    form_class = CycleForm
    page_title = gettext_lazy("New appraisal cycle")
    list_url_name = "appraisal:list"
    intro = gettext_lazy(
        "Set the period, the weights of the evaluation sources (summing to 100), the grade bands "
        "and the deadlines; then add the participants and start the cycle."
    )

    def perform(self, form):
        self.object = _on_form(
            lambda: services.cycle_create(actor=self.request.user, **form.cleaned_changes())
        )
        return self.object

    def get_back_url(self):
        return reverse("appraisal:list")

    def get_success_url(self):
        return self.object.get_absolute_url()


class CycleObjectMixin(LoginRequiredMixin):
    def get_cycle(self):
        return get_object_or_404(Cycle.objects.visible_to(self.request.user), pk=self.kwargs["pk"])


class CycleUpdateView(CycleObjectMixin, FormPageMixin, ServiceFormView):
    form_class = CycleForm
    page_title = gettext_lazy("Edit appraisal cycle")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_cycle()
        if not permissions.can_manage_cycles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Cycle.objects.get(pk=self.object.pk)}

    def perform(self, form):
        return _on_form(
            lambda: services.cycle_update(
                actor=self.request.user,
                cycle=self.object,
                changes=form.cleaned_changes(),
                expected_version=_version(form),
            )
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class CycleDetailView(CycleObjectMixin, DetailView):
    template_name = "appraisal/cycle_detail.html"
    context_object_name = "cycle"

    def get_object(self, queryset=None):
        return self.get_cycle()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cycle, user = self.object, self.request.user
        # The dashboard's appraisal figures link here with ?status= and ?team= (the rows behind
        # a figure); unknown values show nothing rather than everything.
        participants = Appraisal.objects.visible_to(user).filter(cycle=cycle)
        status, team = self.request.GET.get("status", ""), self.request.GET.get("team", "")
        if status:
            participants = participants.filter(status=status)
        if team:
            participants = participants.filter(team_id=int(team)) if team.isdigit() else participants.none()
        rows = list(
            participants.select_related("employee", "supervisor", "team", "scheme")
            .order_by("team__name", "employee__username")
        )
        progress = selectors.cycle_progress(cycle)
        total = sum(progress.values())
        ctx.update(
            rows=rows,
            row_filter={"status": Step(status).label if status in Step.values else status, "team": team}
            if (status or team) else None,
            can_manage=permissions.can_manage_cycles(user),
            progress=[
                (Step(s).label, n, round(100 * n / total) if total else 0) for s, n in progress.items()
            ],
            total=total,
            bands=cycle.bands(),
            weights=[(Source(s).label, w) for s, w in cycle.source_weights().items()],
            deadlines=[
                (Step(s).label, cycle.due_on(s))
                for s in (Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW, Step.FEEDBACK, Step.COMMITTEE_REVIEW)
            ],
            peer_rows=[a for a in selectors.peer_requests(user) if a.cycle_id == cycle.pk],
        )
        return ctx


    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("export") == "xlsx":
            return self.export_xlsx(context)
        return super().render_to_response(context, **response_kwargs)

    def export_xlsx(self, context):
        """The participants listed (same scope, same ?status= and ?team=) as XLSX."""
        from presales.core.exports import (
            Column,
            Sheet,
            choice_label,
            export_filename,
            workbook_bytes,
            xlsx_response,
        )

        columns = [
            Column(_("Employee"), "employee", width=14),
            Column(_("Team"), "team", width=16),
            Column(_("Scheme"), "scheme.name", width=24),
            Column(_("Supervisor"), "supervisor", width=14),
            Column(_("Step"), choice_label("status"), width=16),
            Column(_("Final score"), "final_score", "decimal", 12),
            Column(_("Grade"), "grade", width=8),
        ]
        cycle = context["cycle"]
        content, truncated = workbook_bytes([Sheet(_("Scorecards"), columns, context["rows"], note=str(cycle))])
        return xlsx_response(content, export_filename(f"{_('Scorecards')}-{cycle.name}"), truncated=truncated)


class ParticipantAddView(CycleObjectMixin, FormPageMixin, ServiceFormView):
    form_class = ParticipantForm
    page_title = gettext_lazy("Add a participant")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_cycle()
        if not permissions.can_manage_cycles(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.participant_add(actor=self.request.user, cycle=self.object, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class CycleActionView(CycleObjectMixin, View):
    """POST: start, close or recompute a cycle."""

    def post(self, request, pk, action):
        cycle = self.get_cycle()
        if not permissions.can_manage_cycles(request.user):
            raise PermissionDenied
        try:
            if action == "open":
                services.cycle_open(actor=request.user, cycle=cycle)
                messages.success(request, _("The cycle has started; the participants were notified."))
            elif action == "close":
                services.cycle_close(actor=request.user, cycle=cycle)
                messages.success(request, _("The cycle is closed."))
            elif action == "compute":
                n = services.cycle_compute(actor=request.user, cycle=cycle)
                messages.success(request, _("Scores computed for %(n)s participants.") % {"n": n})
            else:
                raise Http404
        except DomainError as exc:
            text = str(exc.message)
            reasons = getattr(exc, "reasons", [])
            if reasons:
                text += " " + " ".join(str(r) for r in reasons)
            messages.error(request, text)
        return HttpResponseRedirect(cycle.get_absolute_url())


class RankingView(CycleObjectMixin, TemplateView):
    """The ranking of a team in a cycle, with the distribution of grades and totals. Engineers see
    their team's published results only; leads their teams', managers and the committee all."""

    template_name = "appraisal/ranking.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        cycle = self.get_cycle()
        from presales.accounts.models import Team

        if permissions.is_committee(user):
            teams = list(Team.objects.filter(appraisals__cycle=cycle).distinct().order_by("name"))
        else:
            ids = set(user.led_team_ids) | ({user.team_id} if user.team_id else set())
            teams = list(Team.objects.filter(pk__in=ids, appraisals__cycle=cycle).distinct().order_by("name"))
        raw = self.request.GET.get("team", "")
        team = next((t for t in teams if str(t.pk) == raw), None)
        if raw and team is None and raw != "all":
            raise Http404
        if team is None and not (raw == "all" and permissions.is_committee(user)):
            team = next((t for t in teams if t.pk == user.team_id), teams[0] if teams else None)
        team_id = team.pk if team else None
        if team is None and not permissions.is_committee(user):
            ranking = selectors.Ranking()
        else:
            ranking = selectors.team_ranking(
                cycle, team_id=team_id, published_only=not permissions.sees_unpublished_ranking(user, team_id)
            )
        ctx.update(
            cycle=cycle,
            teams=teams,
            team=team,
            ranking=ranking,
            everyone=team is None and permissions.is_committee(user),
            can_all=permissions.is_committee(user),
            chart={
                "grades": list(ranking.grades.keys()),
                "grade_counts": list(ranking.grades.values()),
                "bins": list(ranking.histogram.keys()),
                "bin_counts": list(ranking.histogram.values()),
            },
        )
        return ctx


# --- one appraisal --------------------------------------------------------------------------------


class AppraisalMixin(LoginRequiredMixin):
    def get_appraisal(self, queryset=None):
        qs = queryset if queryset is not None else Appraisal.objects.visible_to(self.request.user)
        return get_object_or_404(
            qs.select_related("cycle", "employee", "supervisor", "team", "scheme"), pk=self.kwargs["pk"]
        )


def _actions(user, a) -> list[dict]:
    """The moves the user may make now, for the buttons."""
    result = []
    if a.cycle.status != CycleStatus.OPEN and a.status not in (Step.PUBLISHED,):
        return result
    for t in appraisal_flow.targets_from(a.status):
        if t.action == "answer" or not t.allowed(user, a):
            continue
        if a.status == Step.PUBLISHED and t.target == Step.APPEALED and a.has_appeal:
            continue
        result.append(
            {
                "target": t.target,
                "label": ACTION_LABELS.get((a.status, t.target), Step(t.target).label),
                "backward": not t.gated,
            }
        )
    return result


ACTION_LABELS = {
    (Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW): gettext_lazy("Submit the self-assessment"),
    (Step.SUPERVISOR_REVIEW, Step.FEEDBACK): gettext_lazy("Submit the supervisor review"),
    (Step.SUPERVISOR_REVIEW, Step.SELF_ASSESSMENT): gettext_lazy("Send back to the employee"),
    (Step.FEEDBACK, Step.COMMITTEE_REVIEW): gettext_lazy("Close the survey / 360° and hand to the committee"),
    (Step.COMMITTEE_REVIEW, Step.PUBLISHED): gettext_lazy("Publish the result"),
    (Step.COMMITTEE_REVIEW, Step.SUPERVISOR_REVIEW): gettext_lazy("Send back to the supervisor"),
    (Step.PUBLISHED, Step.ACKNOWLEDGED): gettext_lazy("Acknowledge the result"),
    (Step.PUBLISHED, Step.APPEALED): gettext_lazy("Appeal"),
}


def scorecard_context(appraisal, user) -> dict:
    scores = selectors.scorecard(appraisal)
    dims: dict[str, dict] = {}
    for s in scores:
        d = dims.setdefault(
            s.dimension,
            {
                "dimension": s.dimension,
                "weight": 0,
                "weighted": 0,
                "dimension_weight": s.dimension_weight,
                "rows": [],
            },
        )
        d["rows"].append(s)
        d["weight"] += s.weight
        d["weighted"] += s.weighted or 0
    own = permissions.is_employee(user, appraisal) and not (
        permissions.is_supervisor(user, appraisal) or permissions.is_committee(user)
    )
    return {
        "scores": scores,
        "dimensions": list(dims.values()),
        "drilldown": _drilldown_available(),
        "is_employee": own,
        "show_scores": permissions.can_see_scores(user, appraisal),
        "source_labels": dict(Source.choices),
    }


def _drilldown_available() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("metrics:drilldown", args=["x", 1])
    except NoReverseMatch:
        return False
    return True


class AppraisalDetailView(AppraisalMixin, DetailView):
    template_name = "appraisal/appraisal_detail.html"
    context_object_name = "appraisal"

    def get_object(self, queryset=None):
        return self.get_appraisal()

    def get_context_data(self, **kwargs):
        from presales.kpi.choices import Dimension

        ctx = super().get_context_data(**kwargs)
        a, user = self.object, self.request.user
        a.has_appeal = a.appeals.exists()
        entry_sources = [s for s in Source.values if permissions.can_enter(user, a, s)]
        ctx.update(scorecard_context(a, user))
        ctx.update(
            actions=_actions(user, a),
            entry_sources=[(s, Source(s).label) for s in entry_sources],
            can_adjust=permissions.can_review(user, a),
            can_answer=permissions.can_answer_appeal(user, a),
            adjustments=list(a.adjustments.select_related("actor")),
            appeals=list(a.appeals.select_related("filed_by", "answered_by")),
            events=list(a.events.select_related("actor")),
            entries=selectors.entries_by_indicator(a)
            if not permissions.is_employee(user, a) or a.is_published
            else {},
            steps=[
                (s, Step(s).label)
                for s in (
                    Step.SELF_ASSESSMENT,
                    Step.SUPERVISOR_REVIEW,
                    Step.FEEDBACK,
                    Step.COMMITTEE_REVIEW,
                    Step.PUBLISHED,
                )
            ],
            dimension_labels=dict(Dimension.choices),
            due=a.cycle.due_on(a.status),
            start=a.cycle.start_on.isoformat(),
            end=a.cycle.end_on.isoformat(),
        )
        return ctx


class EntriesView(AppraisalMixin, FormPageMixin, ServiceFormView):
    """The evaluator's form for one source: self, supervisor, customer survey or 360° peer."""

    template_name = "appraisal/entries.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.source = kwargs["source"]
        if self.source not in Source.values:
            raise Http404
        user = request.user
        qs = Appraisal.objects.visible_to(user)
        if self.source == Source.PEER and user.team_id:
            qs = Appraisal.objects.filter(Q(pk__in=qs.values("pk")) | Q(team_id=user.team_id))
        self.object = self.get_appraisal(qs)
        if not permissions.can_enter(user, self.object, self.source):
            raise PermissionDenied
        self.items = selectors.manual_items(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        existing = selectors.own_entries(self.object, self.source, self.request.user)
        return EntriesForm(
            **self.get_form_kwargs(),
            items=self.items,
            source=self.source,
            existing=existing,
            appraisal=self.object,
        )

    def get_form_class(self):
        return EntriesForm

    def get_back_url(self):
        if (
            self.source == Source.PEER
            and not Appraisal.objects.visible_to(self.request.user).filter(pk=self.object.pk).exists()
        ):
            return reverse("appraisal:peer_requests")
        return self.object.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            appraisal=self.object,
            source_label=Source(self.source).label,
            items=self.items,
            title=_("%(source)s: %(name)s")
            % {"source": Source(self.source).label, "name": self.object.employee},
        )
        return ctx

    def perform(self, form):
        return services.entries_save(
            actor=self.request.user,
            appraisal=self.object,
            source=self.source,
            values=form.values(),
            comments=form.comments(),
            summary=form.cleaned_data.get("summary"),
            expected_version=_version(form),
        )

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return self.get_back_url()


class MoveView(AppraisalMixin, FormPageMixin, ServiceFormView):
    form_class = MoveForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_appraisal()
        self.target = request.GET.get("to") or request.POST.get("to") or ""
        transition = appraisal_flow.get(self.object.status, self.target)
        if transition is None or transition.action == "answer":
            raise Http404
        if not transition.allowed(request.user, self.object):
            raise PermissionDenied
        self.transition = transition
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.object.version}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        label = ACTION_LABELS.get((self.object.status, self.target), Step(self.target).label)
        ctx.update(
            title=f"{label} · {self.object.employee}",
            submit_label=label,
            intro=_("A reason is required to send back or to appeal.")
            if not self.transition.gated or self.target == Step.APPEALED
            else None,
        )
        return ctx

    def perform(self, form):
        return services.appraisal_move(
            actor=self.request.user,
            appraisal=self.object,
            to_status=self.target,
            reason=form.cleaned_data.get("reason") or "",
            expected_version=_version(form),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class AdjustView(AppraisalMixin, FormPageMixin, ServiceFormView):
    form_class = AdjustmentForm
    page_title = gettext_lazy("Committee adjustment")
    intro = gettext_lazy(
        "Points added to (or, negative, taken from) the weighted total. The reason is recorded "
        "and shown on the scorecard."
    )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_appraisal()
        if not permissions.can_review(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.adjustment_add(
            actor=self.request.user,
            appraisal=self.object,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data.get("reason"),
            expected_version=_version(form),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class AnswerView(AdjustView):
    form_class = AnswerForm
    page_title = gettext_lazy("Answer the appeal")
    intro = gettext_lazy(
        "Upheld: the result goes back to the committee review, to be published again. "
        "Rejected: the result stands."
    )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_appraisal()
        if not permissions.can_answer_appeal(request.user, self.object):
            raise PermissionDenied
        return ServiceFormView.dispatch(self, request, *args, **kwargs)

    def perform(self, form):
        return services.appeal_answer(
            actor=self.request.user,
            appraisal=self.object,
            outcome=form.cleaned_data["outcome"],
            answer=form.cleaned_data.get("answer"),
            expected_version=_version(form),
        )


class RankingExportView(RankingView):
    """The ranking shown on the page, as XLSX."""

    def render_to_response(self, context, **response_kwargs):
        content = exports.ranking_xlsx(context["cycle"], context["team"], context["ranking"])
        response = HttpResponse(content, content_type=exports.XLSX)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{exports.ranking_filename(context['cycle'])}"
        )
        return response


class PrintView(AppraisalDetailView):
    template_name = "appraisal/print.html"


class ExportView(AppraisalMixin, View):
    def get(self, request, pk):
        # Everyone who may open the appraisal may export it; before publication the employee gets
        # the sheet without values and scores (what the detail page shows him).
        appraisal = self.get_appraisal()
        content = exports.score_sheet_xlsx(
            appraisal, show_scores=permissions.can_see_scores(request.user, appraisal)
        )
        response = HttpResponse(content, content_type=exports.XLSX)
        filename = exports.filename(appraisal)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response


class TrendView(LoginRequiredMixin, TemplateView):
    """A person's results over the cycles (chart + table)."""

    template_name = "appraisal/trend.html"

    def get_context_data(self, **kwargs):
        from presales.accounts.models import User

        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        person = get_object_or_404(User, pk=self.kwargs["user_id"])
        visible = Appraisal.objects.visible_to(user).filter(employee=person)
        if person.pk != user.pk and not visible.exists():
            raise Http404
        rows = [
            a
            for a in selectors.trend(person, viewer_sees_unpublished=person.pk != user.pk)
            if a.pk in set(visible.values_list("pk", flat=True))
        ]
        ctx.update(
            person=person,
            rows=rows,
            chart={
                "labels": [a.cycle.name for a in rows],
                "totals": [float(a.final_score) if a.final_score is not None else None for a in rows],
            },
        )
        return ctx


class PeerRequestsView(LoginRequiredMixin, ListView):
    template_name = "appraisal/peer_requests.html"
    context_object_name = "rows"

    def get_queryset(self):
        return selectors.peer_requests(self.request.user)
