"""Forms parse; the services decide (the same rules and messages as the API)."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateInput, VersionedFormMixin
from presales.core.permissions import is_manager

from .choices import AwardRoundStatus, MentoringStatus, ReportRating
from .models import (
    SCORE_FIELDS,
    AwardNomination,
    AwardRound,
    Certification,
    DailyReport,
    MentoringPair,
    OnboardingProgramme,
    Promotion,
    Training,
)


def people_overseen(user):
    """Active people the user may record talent data for: self, members of led teams, everybody
    for managers."""
    User = get_user_model()
    qs = User.objects.filter(is_active=True).order_by("username")
    if is_manager(user):
        return qs
    return qs.filter(Q(pk=user.pk) | Q(team_id__in=list(user.led_team_ids)))


def colleagues():
    User = get_user_model()
    return User.objects.filter(is_active=True).order_by("username")


def presales_people():
    from presales.accounts.choices import PRESALES_ROLES

    User = get_user_model()
    return (
        User.objects.filter(is_active=True, roles__code__in=list(PRESALES_ROLES))
        .distinct()
        .order_by("username")
    )


def visible_opportunities(user):
    from presales.opportunities.models import Opportunity

    return Opportunity.objects.visible_to(user).select_related("customer").order_by("-created_at", "-pk")


class ServiceModelForm(VersionedFormMixin, forms.ModelForm):
    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> tuple[dict, int | None]:
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


class DailyReportForm(ServiceModelForm):
    class Meta:
        model = DailyReport
        fields = ["report_date", "work_done", "problems", "plan_tomorrow", "opportunities"]
        widgets = {
            "report_date": DateInput,
            "work_done": forms.Textarea(attrs={"rows": 5}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "plan_tomorrow": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opportunities"].queryset = visible_opportunities(user)
        self.fields["opportunities"].required = False
        self.fields["opportunities"].help_text = _("The opportunities you worked on (optional).")
        self.fields["work_done"].required = False  # the service says what is missing
        if editing:
            del self.fields["report_date"]


class RateForm(VersionedFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Quality rating"), choices=ReportRating.choices, coerce=int, widget=forms.RadioSelect
    )
    rating_comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CertificationForm(ServiceModelForm):
    certificate_file = forms.FileField(
        label=_("Certificate file"),
        required=False,
        help_text=_("Registered in the document archive (category “other”)."),
    )
    file_opportunity = forms.ModelChoiceField(
        label=_("File under opportunity"), required=False, queryset=None
    )

    class Meta:
        model = Certification
        fields = ["person", "name", "issuer", "kind", "credential_id", "obtained_on", "expires_on"]
        widgets = {"obtained_on": DateInput, "expires_on": DateInput}

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file_opportunity"].queryset = visible_opportunities(user)
        for name in ("name", "issuer"):  # the service reports every missing field at once
            self.fields[name].required = False
        self.fields["file_opportunity"].help_text = _(
            "The archive files every document under a project or customer: choose the one this certificate serves."
        )
        if editing:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = people_overseen(user)


class TrainingForm(ServiceModelForm):
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), required=False, queryset=None)

    class Meta:
        model = Training
        fields = [
            "title",
            "kind",
            "trainer",
            "external_trainer",
            "held_on",
            "hours",
            "description",
            "has_exam",
            "pass_score",
        ]
        widgets = {"held_on": DateInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = colleagues()
        self.fields["attendees"].queryset = colleagues()
        self.fields["pass_score"].required = False
        self.fields["title"].required = False
        self.fields["pass_score"].help_text = _("Default 80 (out of 100).")
        if editing:
            del self.fields["attendees"]


class AttendeeForm(forms.Form):
    attendee = forms.ModelChoiceField(label=_("Attendee"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = colleagues()


class ScoresForm(forms.Form):
    """One score field per attendance (`score_<id>`)."""

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendances = list(attendances)
        for a in self.attendances:
            self.fields[f"score_{a.pk}"] = forms.DecimalField(
                label=str(a.attendee),
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
                initial=a.score,
            )

    def scores(self) -> dict[int, object]:
        return {a.pk: self.cleaned_data.get(f"score_{a.pk}") for a in self.attendances}


class MentoringForm(ServiceModelForm):
    class Meta:
        model = MentoringPair
        fields = ["mentor", "mentee", "started_on", "goals"]
        widgets = {"started_on": DateInput, "goals": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = presales_people()
        self.fields["mentee"].queryset = people_overseen(user)
        self.fields["goals"].required = False
        self.initial.setdefault("started_on", timezone.localdate())


class MentoringGoalsForm(VersionedFormMixin, forms.Form):
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MentoringCloseForm(VersionedFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (MentoringStatus.COMPLETED, MentoringStatus.COMPLETED.label),
            (MentoringStatus.ENDED, MentoringStatus.ENDED.label),
        ],
    )
    ended_on = forms.DateField(label=_("End date"), required=False, widget=DateInput)
    note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MentoringNoteForm(forms.Form):
    written_on = forms.DateField(label=_("Date"), required=False, widget=DateInput)
    text = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class OnboardingForm(ServiceModelForm):
    class Meta:
        model = OnboardingProgramme
        fields = ["new_hire", "buddy", "started_on", "ends_on"]
        widgets = {"started_on": DateInput, "ends_on": DateInput}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_hire"].queryset = people_overseen(user)
        self.fields["buddy"].queryset = presales_people()
        self.fields["ends_on"].required = False
        self.fields["ends_on"].help_text = _(
            "One to two months after the start; about two months by default."
        )


class OnboardingTaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)


class PromotionForm(ServiceModelForm):
    class Meta:
        model = Promotion
        fields = ["person", "to_level", "to_track", "effective_on", "reason"]
        widgets = {"effective_on": DateInput, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = presales_people()
        self.fields["reason"].required = False
        self.initial.setdefault("effective_on", timezone.localdate())


class AwardRoundForm(ServiceModelForm):
    class Meta:
        model = AwardRound
        fields = ["year", "quarter", "prize"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.initial.setdefault("year", today.year)
        self.initial.setdefault("quarter", (today.month - 1) // 3 + 1)


class AwardMoveForm(VersionedFormMixin, forms.Form):
    to_status = forms.ChoiceField(
        choices=[
            (AwardRoundStatus.SCORING, AwardRoundStatus.SCORING.label),
            (AwardRoundStatus.ANNOUNCED, AwardRoundStatus.ANNOUNCED.label),
        ]
    )


class NominationForm(ServiceModelForm):
    class Meta:
        model = AwardNomination
        fields = ["nominee", "title", "opportunity", "case_description"]
        widgets = {"case_description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = colleagues()  # the service says who may be nominated
        self.fields["opportunity"].queryset = visible_opportunities(user)
        self.fields["case_description"].required = False
        self.fields["title"].required = False


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import AwardCriterion

        for name in reversed(SCORE_FIELDS):
            field = forms.IntegerField(
                label=AwardCriterion(name).label,
                min_value=1,
                max_value=10,
                required=False,
                help_text=_("1 (weak) to 10 (outstanding)"),
            )
            self.fields = {name: field, **self.fields}
