"""Talent pages. Thin: scope (404 outside it), permission (403), form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from presales.core.errors import DomainError
from presales.core.forms import VersionedFormMixin
from presales.core.views import (
    FormPageMixin,
    ScopedDetailView,
    ScopedListView,
    ScopedObjectFormView,
    ServiceFormView,
)

from . import permissions, selectors, services
from .choices import AwardRoundStatus, MentoringStatus, OnboardingStatus, ReportRating
from .filtersets import (
    AwardRoundFilterSet,
    CertificationFilterSet,
    DailyReportFilterSet,
    MentoringFilterSet,
    OnboardingFilterSet,
    PromotionFilterSet,
    TrainingFilterSet,
)
from .forms import (
    AttendeeForm,
    AwardMoveForm,
    AwardRoundForm,
    CertificationForm,
    DailyReportForm,
    MentoringCloseForm,
    MentoringForm,
    MentoringGoalsForm,
    MentoringNoteForm,
    NominationForm,
    OnboardingForm,
    OnboardingTaskForm,
    PromotionForm,
    RateForm,
    ScoreForm,
    ScoresForm,
    TrainingForm,
)
from .models import (
    AwardNomination,
    AwardRound,
    AwardScore,
    Certification,
    DailyReport,
    MentoringPair,
    OnboardingProgramme,
    OnboardingTask,
    Promotion,
    Training,
    TrainingAttendance,
)


class GuardedCreateView(FormPageMixin, ServiceFormView):
    """A create page: `allowed(user)` false → 403; the form gets the user."""

    allowed = None

    def dispatch(self, request, *args, **kwargs):
        check = type(self).allowed
        if request.user.is_authenticated and check is not None and not check(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_success_url(self):
        return self.object.get_absolute_url()


class ObjectFormView(FormPageMixin, ScopedObjectFormView):
    pass


def _data(form):
    data = dict(form.cleaned_data)
    return data, data.pop("version", None)


# --- daily reports --------------------------------------------------------------------------------


class DailyReportListView(ScopedListView):
    model = DailyReport
    filterset_class = DailyReportFilterSet
    template_name = "talent/daily_report_list.html"

    def get_scoped_queryset(self):
        return selectors.report_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["can_write"] = permissions.can_write_reports(user)
        ctx["can_review"] = permissions.can_review_team(user)
        ctx["today_written"] = DailyReport.objects.filter(
            author=user, report_date=timezone.localdate()
        ).exists()
        ctx["trend"] = selectors.rating_trend(DailyReport.objects.filter(author=user))
        return ctx


class TeamReportListView(ScopedListView):
    """Reports of the people of the teams the user leads, newest first, with a quick rating control."""

    model = DailyReport
    filterset_class = DailyReportFilterSet
    template_name = "talent/team_reports.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_review_team(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_scoped_queryset(self):
        return selectors.team_reports(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["ratings"] = ReportRating.choices
        ctx["trend"] = selectors.rating_trend(selectors.team_reports(user=self.request.user))
        ctx["unrated"] = selectors.team_reports(user=self.request.user).filter(rating__isnull=True).count()
        return ctx


class DailyReportCreateView(GuardedCreateView):
    form_class = DailyReportForm
    allowed = staticmethod(permissions.can_write_reports)
    page_title = gettext_lazy("Write the daily report")
    list_url_name = "talent:daily_report_list"
    success_message = gettext_lazy("Daily report saved.")

    def get_initial(self):
        return {"report_date": timezone.localdate()}

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.daily_report_create(actor=self.request.user, **data)
        return self.object


class DailyReportDetailView(ScopedDetailView):
    model = DailyReport
    template_name = "talent/daily_report_detail.html"

    def get_queryset(self):
        return selectors.report_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, report = self.request.user, self.object
        ctx["can_edit"] = permissions.can_edit_report(user, report)
        ctx["can_rate"] = permissions.can_rate_report(user, report)
        ctx["rate_form"] = RateForm(
            initial={
                "rating": report.rating if report.rating is not None else 0,
                "rating_comment": report.rating_comment,
                "version": report.version,
            }
        )
        return ctx


class DailyReportUpdateView(ObjectFormView):
    model = DailyReport
    form_class = DailyReportForm
    page_title = gettext_lazy("Edit the daily report")
    permission_check = staticmethod(permissions.can_edit_report)
    success_message = gettext_lazy("Daily report saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, editing=True)
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data, version = _data(form)
        return services.daily_report_update(
            actor=self.request.user, report=self.object, expected_version=version, **data
        )


class DailyReportRateView(ObjectFormView):
    """Rate a report: a page of its own, or an htmx POST from the team list that answers with the
    updated row."""

    model = DailyReport
    form_class = RateForm
    page_title = gettext_lazy("Rate the daily report")
    permission_check = staticmethod(permissions.can_rate_report)
    success_message = gettext_lazy("Rating saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("author", "rated_by")

    def get_initial(self):
        report = self.object
        return {
            "rating": report.rating if report.rating is not None else 0,
            "rating_comment": report.rating_comment,
            "version": report.version,
        }

    def get_intro(self):
        return str(self.object)

    def perform(self, form):
        data = form.cleaned_data
        return services.daily_report_rate(
            actor=self.request.user,
            report=self.object,
            rating=data["rating"],
            comment=data["rating_comment"],
            expected_version=data.get("version"),
        )

    def _row(self, report, error=None, status=200):
        return render(
            self.request,
            "talent/partials/team_report_row.html",
            {"r": report, "ratings": ReportRating.choices, "error": error},
            status=status,
        )

    def form_valid(self, form):
        if not self.request.htmx:
            return super().form_valid(form)
        try:
            report = self.perform(form)
        except DomainError as exc:
            return self._row(
                self.object, error=exc.message, status=422 if exc.status_code == 400 else exc.status_code
            )
        report = selectors.report_list(user=self.request.user).get(pk=report.pk)
        return self._row(report)

    def form_invalid(self, form):
        if self.request.htmx:
            message = next(iter(form.errors.values()))[0] if form.errors else ""
            return self._row(self.object, error=message, status=422)
        return super().form_invalid(form)


# --- certifications -------------------------------------------------------------------------------


class CertificationListView(ScopedListView):
    model = Certification
    filterset_class = CertificationFilterSet
    template_name = "talent/certification_list.html"

    def get_scoped_queryset(self):
        return selectors.certification_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = self.request.user.is_authenticated
        return ctx


class CertificationCreateView(GuardedCreateView):
    form_class = CertificationForm
    page_title = gettext_lazy("New certification")
    list_url_name = "talent:certification_list"
    success_message = gettext_lazy("Certification recorded.")

    def get_initial(self):
        return {"person": self.request.user.pk, "obtained_on": timezone.localdate()}

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.certification_create(actor=self.request.user, **data)
        return self.object


class CertificationDetailView(ScopedDetailView):
    model = Certification
    template_name = "talent/certification_detail.html"

    def get_queryset(self):
        return selectors.certification_list(user=self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_edit_certification(self.request.user, self.object)
        return ctx


class CertificationUpdateView(ObjectFormView):
    model = Certification
    form_class = CertificationForm
    page_title = gettext_lazy("Edit the certification")
    permission_check = staticmethod(permissions.can_edit_certification)
    success_message = gettext_lazy("Certification saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, editing=True)
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data, version = _data(form)
        return services.certification_update(
            actor=self.request.user, certification=self.object, expected_version=version, **data
        )


# --- trainings ------------------------------------------------------------------------------------


class TrainingListView(ScopedListView):
    model = Training
    filterset_class = TrainingFilterSet
    template_name = "talent/training_list.html"

    def get_scoped_queryset(self):
        return selectors.training_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_training(self.request.user)
        return ctx


class TrainingCreateView(GuardedCreateView):
    form_class = TrainingForm
    allowed = staticmethod(permissions.can_create_training)
    page_title = gettext_lazy("New training")
    list_url_name = "talent:training_list"
    success_message = gettext_lazy("Training recorded.")

    def get_initial(self):
        return {
            "held_on": timezone.localdate(),
            "pass_score": 80,
            "hours": 2,
            "trainer": self.request.user.pk,
        }

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.training_create(actor=self.request.user, **data)
        return self.object


class TrainingDetailView(ScopedDetailView):
    model = Training
    template_name = "talent/training_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("trainer", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        training = self.object
        attendances = list(selectors.training_attendances(training))
        ctx.update(
            attendances=attendances,
            counts=selectors.training_pass_counts(training),
            can_edit=permissions.can_edit_training(self.request.user, training),
            attendee_form=AttendeeForm(),
            scores_form=ScoresForm(attendances=attendances),
        )
        return ctx


class TrainingUpdateView(ObjectFormView):
    model = Training
    form_class = TrainingForm
    page_title = gettext_lazy("Edit the training")
    permission_check = staticmethod(permissions.can_edit_training)
    success_message = gettext_lazy("Training saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, editing=True)
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data, version = _data(form)
        return services.training_update(
            actor=self.request.user, training=self.object, expected_version=version, **data
        )


class TrainingAttendeeAddView(ObjectFormView):
    model = Training
    form_class = AttendeeForm
    page_title = gettext_lazy("Add an attendee")
    permission_check = staticmethod(permissions.can_edit_training)
    success_message = gettext_lazy("Attendee added.")

    def perform(self, form):
        return services.attendance_add(
            actor=self.request.user, training=self.object, attendee=form.cleaned_data["attendee"]
        )


class TrainingScoresView(ObjectFormView):
    model = Training
    form_class = ScoresForm
    page_title = gettext_lazy("Exam scores")
    permission_check = staticmethod(permissions.can_edit_training)
    success_message = gettext_lazy("Scores saved.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["attendances"] = selectors.training_attendances(self.object)
        return kwargs

    def get_intro(self):
        return gettext_lazy("%(title)s — pass score %(score)s") % {
            "title": self.object.title,
            "score": self.object.pass_score,
        }

    def perform(self, form):
        return services.training_record_scores(
            actor=self.request.user, training=self.object, scores=form.scores()
        )


class AttendanceRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        visible = Training.objects.visible_to(request.user).values("pk")
        attendance = get_object_or_404(
            TrainingAttendance.objects.select_related("training").filter(training__in=visible), pk=pk
        )
        try:
            services.attendance_remove(actor=request.user, attendance=attendance)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from None
            messages.error(request, exc.message)
        return HttpResponseRedirect(attendance.training.get_absolute_url())


# --- mentoring ------------------------------------------------------------------------------------


class MentoringListView(ScopedListView):
    model = MentoringPair
    filterset_class = MentoringFilterSet
    template_name = "talent/mentoring_list.html"

    def get_scoped_queryset(self):
        return selectors.mentoring_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_pairs(self.request.user)
        return ctx


class MentoringCreateView(GuardedCreateView):
    form_class = MentoringForm
    allowed = staticmethod(permissions.can_create_pairs)
    page_title = gettext_lazy("New mentoring pair")
    list_url_name = "talent:mentoring_list"
    success_message = gettext_lazy("Mentoring pair created.")

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.mentoring_create(actor=self.request.user, **data)
        return self.object


class MentoringDetailView(ScopedDetailView):
    model = MentoringPair
    template_name = "talent/mentoring_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("mentor", "mentee", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, pair = self.request.user, self.object
        ctx.update(
            notes=selectors.mentoring_notes(pair),
            can_steer=permissions.can_steer_mentoring(user, pair),
            can_close=permissions.can_close_mentoring(user, pair),
            can_note=permissions.can_add_note(user, pair),
            note_form=MentoringNoteForm(initial={"written_on": timezone.localdate()}),
        )
        return ctx


class MentoringUpdateView(ObjectFormView):
    model = MentoringPair
    form_class = MentoringGoalsForm
    page_title = gettext_lazy("Mentoring goals")
    permission_check = staticmethod(permissions.can_steer_mentoring)
    success_message = gettext_lazy("Goals saved.")

    def get_initial(self):
        return {"goals": self.object.goals, "version": self.object.version}

    def perform(self, form):
        data, version = _data(form)
        return services.mentoring_update(
            actor=self.request.user, pair=self.object, expected_version=version, **data
        )


class MentoringCloseView(ObjectFormView):
    model = MentoringPair
    form_class = MentoringCloseForm
    page_title = gettext_lazy("Close the mentoring pair")
    permission_check = staticmethod(permissions.can_close_mentoring)
    success_message = gettext_lazy("Mentoring pair closed.")

    def get_initial(self):
        return {
            "status": MentoringStatus.COMPLETED,
            "ended_on": timezone.localdate(),
            "version": self.object.version,
        }

    def perform(self, form):
        data, version = _data(form)
        return services.mentoring_close(
            actor=self.request.user, pair=self.object, expected_version=version, **data
        )


class MentoringNoteView(ObjectFormView):
    model = MentoringPair
    form_class = MentoringNoteForm
    page_title = gettext_lazy("Progress note")
    permission_check = staticmethod(permissions.can_add_note)
    success_message = gettext_lazy("Note saved.")

    def get_initial(self):
        return {"written_on": timezone.localdate()}

    def perform(self, form):
        return services.mentoring_note_add(actor=self.request.user, pair=self.object, **form.cleaned_data)


# --- onboarding -----------------------------------------------------------------------------------


class OnboardingListView(ScopedListView):
    model = OnboardingProgramme
    filterset_class = OnboardingFilterSet
    template_name = "talent/onboarding_list.html"

    def get_scoped_queryset(self):
        return selectors.onboarding_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_onboarding(self.request.user)
        for p in ctx["object_list"]:
            p.progress = selectors.progress_percent(p.done_count, p.task_count)
        return ctx


class OnboardingCreateView(GuardedCreateView):
    form_class = OnboardingForm
    allowed = staticmethod(permissions.can_create_onboarding)
    page_title = gettext_lazy("New onboarding camp")
    list_url_name = "talent:onboarding_list"
    intro = gettext_lazy(
        "A 1–2 month camp: company products, industry knowledge, common customer questions. "
        "A default checklist is created; add or adjust tasks afterwards."
    )
    success_message = gettext_lazy("Onboarding camp created.")

    def get_initial(self):
        return {"started_on": timezone.localdate()}

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.onboarding_create(actor=self.request.user, **data)
        return self.object


class OnboardingDetailView(ScopedDetailView):
    model = OnboardingProgramme
    template_name = "talent/onboarding_detail.html"

    def get_queryset(self):
        return selectors.onboarding_list(user=self.request.user).select_related("created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, programme = self.request.user, self.object
        ctx.update(
            tasks=list(programme.tasks.all()),
            progress=selectors.progress_percent(programme.done_count, programme.task_count),
            can_tick=permissions.can_tick_tasks(user, programme),
            can_add=permissions.can_add_tasks(user, programme),
            can_complete=programme.status == OnboardingStatus.ACTIVE
            and permissions.can_steer_onboarding(user, programme),
            task_form=OnboardingTaskForm(),
            today=timezone.localdate(),
        )
        return ctx


class OnboardingTaskAddView(ObjectFormView):
    model = OnboardingProgramme
    form_class = OnboardingTaskForm
    page_title = gettext_lazy("Add a task")
    permission_check = staticmethod(permissions.can_add_tasks)
    success_message = gettext_lazy("Task added.")

    def perform(self, form):
        return services.onboarding_task_add(
            actor=self.request.user, programme=self.object, **form.cleaned_data
        )


class OnboardingTaskToggleView(LoginRequiredMixin, View):
    """Tick a task done or not (htmx: answers with the task row)."""

    def post(self, request, pk):
        visible = OnboardingProgramme.objects.visible_to(request.user).values("pk")
        task = get_object_or_404(OnboardingTask.objects.filter(programme__in=visible), pk=pk)
        if not permissions.can_tick_tasks(request.user, task.programme):
            raise PermissionDenied
        done = request.POST.get("done") in ("1", "true", "on")
        error = None
        try:
            task = services.onboarding_task_set_done(
                actor=request.user, task=task, done=done, expected_version=request.POST.get("version") or None
            )
        except DomainError as exc:
            error = exc.message
            task.refresh_from_db()
        if request.htmx:
            return render(
                request,
                "talent/partials/onboarding_task.html",
                {"task": task, "can_tick": True, "error": error, "today": timezone.localdate()},
                status=412 if error else 200,
            )
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(task.programme.get_absolute_url())


class OnboardingCompleteView(ObjectFormView):
    model = OnboardingProgramme
    form_class = VersionedFormMixin  # only the version
    page_title = gettext_lazy("Complete the onboarding camp")
    permission_check = staticmethod(permissions.can_steer_onboarding)
    success_message = gettext_lazy("Onboarding camp completed.")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.onboarding_complete(
            actor=self.request.user, programme=self.object, expected_version=form.cleaned_data.get("version")
        )


# --- promotions -----------------------------------------------------------------------------------


class PromotionListView(ScopedListView):
    model = Promotion
    filterset_class = PromotionFilterSet
    template_name = "talent/promotion_list.html"

    def get_scoped_queryset(self):
        return selectors.promotion_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_promote(self.request.user)
        return ctx


class PromotionCreateView(GuardedCreateView):
    form_class = PromotionForm
    allowed = staticmethod(permissions.can_promote)
    page_title = gettext_lazy("Record a promotion")
    list_url_name = "talent:promotion_list"
    intro = gettext_lazy(
        "Levels: junior (executor), intermediate (planner), senior (expert/manager); career "
        "tracks: presales expert, presales manager, presales director. You approve it."
    )
    success_message = gettext_lazy("Promotion recorded: the person's level is updated.")

    def get_initial(self):
        initial = {"effective_on": timezone.localdate()}
        person = self.request.GET.get("person")
        if person and person.isdigit():
            initial["person"] = int(person)
        return initial

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.promotion_record(actor=self.request.user, **data)
        return self.object


# --- profile --------------------------------------------------------------------------------------


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "talent/profile.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        User = get_user_model()
        person = get_object_or_404(User.objects.select_related("team"), pk=self.kwargs["pk"])
        if not permissions.can_see_person(self.request.user, person):
            raise Http404
        data = selectors.profile(person=person)
        onboarding = data["onboarding"]
        if onboarding is not None:
            onboarding.progress = selectors.progress_percent(onboarding.done_count, onboarding.task_count)
        ctx.update(data)
        ctx.update(
            person=person,
            can_promote=permissions.can_promote(self.request.user),
            can_manage=permissions.can_manage_records_of(self.request.user, person),
        )
        return ctx


class MyProfileView(LoginRequiredMixin, View):
    def get(self, request):
        return HttpResponseRedirect(reverse("talent:profile", args=[request.user.pk]))


# --- gold presales award --------------------------------------------------------------------------


class AwardRoundListView(ScopedListView):
    model = AwardRound
    filterset_class = AwardRoundFilterSet
    template_name = "talent/award_round_list.html"

    def get_scoped_queryset(self):
        return selectors.award_round_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_manage_rounds(self.request.user)
        return ctx


class AwardRoundCreateView(GuardedCreateView):
    form_class = AwardRoundForm
    allowed = staticmethod(permissions.can_manage_rounds)
    page_title = gettext_lazy("New award round")
    list_url_name = "talent:award_round_list"
    success_message = gettext_lazy("Award round opened for nominations.")

    def perform(self, form):
        data, _v = _data(form)
        self.object = services.award_round_create(actor=self.request.user, **data)
        return self.object


class AwardRoundDetailView(ScopedDetailView):
    model = AwardRound
    template_name = "talent/award_round_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, award_round = self.request.user, self.object
        nominations = list(selectors.nomination_list(user=user, award_round=award_round))
        scored = selectors.scored_by(user=user, award_round=award_round)
        for n in nominations:
            n.can_score = permissions.can_score(user, n, award_round)
            n.scored_by_me = n.pk in scored
        moves = []
        if permissions.can_manage_rounds(user):
            for source, target in sorted(services.AWARD_TRANSITIONS):
                if source == award_round.status:
                    moves.append(
                        {
                            "target": target,
                            "label": AwardRoundStatus(target).label,
                            "reasons": services.award_refusal_reasons(award_round, target),
                        }
                    )
        ctx.update(
            nominations=nominations,
            can_nominate=permissions.can_nominate(user, award_round),
            show_scores=award_round.status == AwardRoundStatus.ANNOUNCED
            or permissions.is_committee(user)
            or permissions.can_manage_rounds(user),
            moves=moves,
            chart={
                "labels": [n.title for n in nominations if n.avg_total is not None],
                "values": [round(float(n.avg_total), 2) for n in nominations if n.avg_total is not None],
            },
        )
        return ctx


class AwardRoundMoveView(ObjectFormView):
    model = AwardRound
    form_class = AwardMoveForm
    page_title = gettext_lazy("Move the award round")
    success_message = gettext_lazy("Award round moved on.")

    def check_object_permission(self, obj):
        if not permissions.can_manage_rounds(self.request.user):
            raise PermissionDenied

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        data, version = _data(form)
        return services.award_round_move(
            actor=self.request.user,
            award_round=self.object,
            to_status=data["to_status"],
            expected_version=version,
        )


class NominationCreateView(ObjectFormView):
    model = AwardRound
    form_class = NominationForm
    page_title = gettext_lazy("Nominate a case")
    permission_check = staticmethod(permissions.can_nominate)
    success_message = gettext_lazy("Case nominated.")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_intro(self):
        return str(self.object)

    def perform(self, form):
        data, _v = _data(form)
        return services.nomination_create(actor=self.request.user, award_round=self.object, **data)


class NominationDetailView(ScopedDetailView):
    model = AwardNomination
    template_name = "talent/nomination_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("round", "nominee", "nominated_by", "opportunity")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, nomination = self.request.user, self.object
        show_scores = (
            nomination.round.status == AwardRoundStatus.ANNOUNCED
            or permissions.is_committee(user)
            or permissions.can_manage_rounds(user)
        )
        mine = AwardScore.objects.filter(nomination=nomination, member=user).first()
        ctx.update(
            show_scores=show_scores,
            scores=list(AwardScore.objects.filter(nomination=nomination).select_related("member"))
            if show_scores
            else [],
            can_score=permissions.can_score(user, nomination),
            my_score=mine,
        )
        return ctx


class NominationScoreView(ObjectFormView):
    model = AwardNomination
    form_class = ScoreForm
    page_title = gettext_lazy("Score the nomination")
    permission_check = staticmethod(permissions.can_score)
    success_message = gettext_lazy("Score saved.")

    def get_queryset(self):
        return super().get_queryset().select_related("round", "nominee")

    def get_intro(self):
        return gettext_lazy("%(title)s — %(nominee)s. Score each criterion from 1 to 10.") % {
            "title": self.object.title,
            "nominee": self.object.nominee,
        }

    def get_initial(self):
        mine = AwardScore.objects.filter(nomination=self.object, member=self.request.user).first()
        if mine is None:
            return {}
        return {
            "customer_value": mine.customer_value,
            "innovation": mine.innovation,
            "reuse": mine.reuse,
            "influence": mine.influence,
            "comment": mine.comment,
        }

    def perform(self, form):
        return services.nomination_score(actor=self.request.user, nomination=self.object, **form.cleaned_data)
