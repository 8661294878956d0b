"""Forms parse; the services decide (the same rules and messages as the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateInput, DateTimeInput, VersionedFormMixin

from .choices import ConfirmationMethod, ProblemKind, ReviewPurpose, Side
from .models import CriterionGuide, Incident, Poc, ResourceItem, Risk, ScopeChange, SuccessCriterion, SyncNote
from .readiness import ASKED_NUMBERS, ITEMS, ITEMS_BY_NUMBER


class ServiceModelForm(VersionedFormMixin, forms.ModelForm):
    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> tuple[dict, int | None]:
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


class PocForm(ServiceModelForm):
    hypotheses = forms.CharField(
        label=_("Hypotheses to verify"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, 1 to 3: “Verify that technology X reaches performance Y in scenario Z”."),
    )

    class Meta:
        model = Poc
        fields = ["opportunity", "title", "our_company", "industry", "hypotheses", "planned_start_on",
                  "planned_end_on", "next_step", "next_step_other", "our_escalation_contact", "our_escalation_phone",
                  "customer_escalation_contact", "customer_escalation_phone", "response_hours"]
        widgets = {"planned_start_on": DateInput, "planned_end_on": DateInput}

    def __init__(self, *args, user=None, opportunities=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["our_company"].required = False
        self.fields["our_company"].help_text = _("Defaults to the presales team's name.")
        if editing:
            del self.fields["opportunity"]
            if self.instance and self.instance.pk and not self.is_bound:
                self.initial["hypotheses"] = "\n".join(self.instance.hypotheses or [])
        else:
            self.fields["opportunity"].queryset = opportunities

    def clean_hypotheses(self):
        return [line.strip() for line in (self.cleaned_data.get("hypotheses") or "").splitlines() if line.strip()]


class ConfirmationForm(forms.Form):
    method = forms.ChoiceField(label=_("Confirmed by"), choices=ConfirmationMethod.choices, widget=forms.RadioSelect)
    our_signatory = forms.CharField(label=_("Our representative"), required=False, max_length=64)
    our_signed_on = forms.DateField(label=_("Our signing date"), required=False, widget=DateInput)
    customer_signatory = forms.CharField(label=_("Customer representative"), required=False, max_length=64)
    customer_signed_on = forms.DateField(label=_("Customer signing (or e-mail) date"), required=False,
                                         widget=DateInput)
    email_reference = forms.CharField(
        label=_("E-mail confirmation"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an e-mail confirmation: sender, subject and the sentence that confirms."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


ATTENDEE_FIELDS = (
    # form field, side, role
    ("our_sales_lead", Side.OURS, "sales_lead"),
    ("our_technical_lead", Side.OURS, "technical_lead"),
    ("our_project_manager", Side.OURS, "project_manager"),
    ("customer_decision_maker", Side.CUSTOMER, "decision_maker"),
    ("customer_technical_contact", Side.CUSTOMER, "technical_contact"),
    ("customer_end_user", Side.CUSTOMER, "end_user"),
)


class KickoffForm(forms.Form):
    held_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0,
                                          help_text=_("At least 30 minutes."))
    remote = forms.BooleanField(label=_("Held remotely"), required=False)
    location = forms.CharField(label=_("Place or meeting link"), required=False, max_length=200)
    our_sales_lead = forms.CharField(label=_("Our sales lead"), required=False, max_length=64)
    our_technical_lead = forms.CharField(label=_("Our technical lead"), required=False, max_length=64)
    our_project_manager = forms.CharField(label=_("Our project manager"), required=False, max_length=64)
    customer_decision_maker = forms.CharField(label=_("Customer decision maker"), required=False, max_length=64)
    customer_technical_contact = forms.CharField(label=_("Customer technical contact"), required=False,
                                                 max_length=64)
    customer_end_user = forms.CharField(label=_("Customer end-user representative (optional)"), required=False,
                                        max_length=64)
    our_others = forms.CharField(label=_("Other attendees of ours"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One name per line."))
    customer_others = forms.CharField(label=_("Other attendees of the customer"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One name per line."))
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Hypotheses, criteria, schedule, resources and next step as agreed."))

    @staticmethod
    def initial_from(kickoff, attendees) -> dict:
        initial = {"held_at": timezone.localtime(kickoff.held_at), "duration_minutes": kickoff.duration_minutes,
                   "remote": kickoff.remote, "location": kickoff.location, "minutes": kickoff.minutes}
        others = {Side.OURS: [], Side.CUSTOMER: []}
        for person in attendees:
            field = next((f for f, side, role in ATTENDEE_FIELDS if side == person.side and role == person.role), None)
            if field and not initial.get(field):
                initial[field] = person.name
            else:
                others[person.side].append(person.name)
        initial["our_others"] = "\n".join(others[Side.OURS])
        initial["customer_others"] = "\n".join(others[Side.CUSTOMER])
        return initial

    def attendees(self) -> list[dict]:
        data = self.cleaned_data
        people = [{"side": side, "role": role, "name": data.get(field, "")} for field, side, role in ATTENDEE_FIELDS]
        for field, side in (("our_others", Side.OURS), ("customer_others", Side.CUSTOMER)):
            for line in (data.get(field) or "").splitlines():
                if line.strip():
                    people.append({"side": side, "role": "other", "name": line.strip()})
        return people


class CriterionForm(ServiceModelForm):
    class Meta:
        model = SuccessCriterion
        fields = ["name", "is_key", "unit", "direction", "form", "baseline", "reference", "pass_level",
                  "excellent_level", "aggregation", "data_source", "data_source_detail", "sampling_frequency",
                  "sample_size", "comparison_baseline", "agreed", "agreed_on", "guide", "notes"]
        widgets = {"agreed_on": DateInput, "notes": forms.Textarea(attrs={"rows": 2}), "guide": forms.HiddenInput}


class ResourceForm(ServiceModelForm):
    class Meta:
        model = ResourceItem
        fields = ["side", "kind", "description", "contact", "quantity", "due_on", "hours", "confirmed", "notes"]
        widgets = {"due_on": DateInput}


class RiskForm(ServiceModelForm):
    class Meta:
        model = Risk
        fields = ["description", "likelihood", "impact", "fallback_plan", "owner"]
        widgets = {"fallback_plan": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.accounts.models import User

        current = self.instance.owner_id if self.instance else None
        self.fields["owner"].queryset = User.objects.filter(is_active=True) | User.objects.filter(pk=current or 0)


ANSWER_CHOICES = [("", _("Not answered")), ("yes", _("Yes")), ("no", _("No"))]


class ReadinessAnswersForm(forms.Form):
    """The items the record cannot decide: yes/no with a note each."""

    def __init__(self, *args, readiness=None, **kwargs):
        super().__init__(*args, **kwargs)
        results = {i.number: i for i in readiness.items} if readiness else {}
        for number in ASKED_NUMBERS:
            item = ITEMS_BY_NUMBER[number]
            result = results.get(number)
            self.fields[f"item_{number}"] = forms.ChoiceField(
                label=f"{number}. {item.label}", choices=ANSWER_CHOICES, required=False,
                initial=("yes" if result.done else "no") if result and result.answered else "",
            )
            self.fields[f"note_{number}"] = forms.CharField(
                label=_("Note"), required=False, max_length=255, initial=result.note if result else "",
                help_text="; ".join(result.evidence) if result else "",
            )

    def answers(self) -> list[tuple[int, bool, str]]:
        out = []
        for number in ASKED_NUMBERS:
            value = self.cleaned_data.get(f"item_{number}")
            if value in ("yes", "no"):
                out.append((number, value == "yes", self.cleaned_data.get(f"note_{number}", "")))
        return out


class ReviewForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ReviewPurpose.choices, initial=ReviewPurpose.REVIEW)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason or note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeasurementForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=SuccessCriterion.objects.none())
    measured_at = forms.DateTimeField(label=_("Measured at"), widget=DateTimeInput)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=6)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def __init__(self, *args, poc=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].queryset = SuccessCriterion.objects.filter(poc=poc).order_by("-is_key", "position")
        self.fields["criterion"].label_from_instance = lambda c: f"{c.name} ({c.unit})"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"), help_text=_(
        "Columns: criterion (name or number), measured_at, value, note. Headers 指标, 时间, 数值, 备注 work too."))


class IncidentForm(ServiceModelForm):
    class Meta:
        model = Incident
        fields = ["title", "severity", "occurred_at", "description"]
        widgets = {"occurred_at": DateTimeInput, "description": forms.Textarea(attrs={"rows": 3})}


class IncidentRespondForm(forms.Form):
    response = forms.CharField(label=_("Response"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IncidentResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ScopeChangeForm(ServiceModelForm):
    class Meta:
        model = ScopeChange
        fields = ["title", "requested_by_side", "requested_on", "description", "impact"]
        widgets = {"requested_on": DateInput, "description": forms.Textarea(attrs={"rows": 3}),
                   "impact": forms.Textarea(attrs={"rows": 2})}


class ScopeConfirmForm(forms.Form):
    side = forms.ChoiceField(label=_("Side confirming"), choices=Side.choices)
    customer_confirmed_by = forms.CharField(label=_("Confirmed by (customer)"), required=False, max_length=64)
    customer_confirmed_on = forms.DateField(label=_("Date of the customer's confirmation"), required=False,
                                            widget=DateInput)
    customer_confirmation = forms.CharField(label=_("How the customer confirmed"), required=False, max_length=255)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ScopeRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SyncNoteForm(ServiceModelForm):
    class Meta:
        model = SyncNote
        fields = ["held_on", "attendees", "progress", "issues", "next_steps"]
        widgets = {"held_on": DateInput, "progress": forms.Textarea(attrs={"rows": 3}),
                   "issues": forms.Textarea(attrs={"rows": 2}), "next_steps": forms.Textarea(attrs={"rows": 2})}


class PostMortemForm(forms.Form):
    held_on = forms.DateField(label=_("Review date"), widget=DateInput)
    participants = forms.CharField(label=_("Participants"), required=False, max_length=255)
    problem_kind = forms.ChoiceField(label=_("Was it a preparation or an execution problem?"),
                                     choices=[("", "---------"), *ProblemKind.choices])
    weak_items = forms.TypedMultipleChoiceField(
        label=_("Checklist items that were not really done"), required=False, coerce=int,
        choices=[(i.number, f"{i.number}. {i.label}") for i in ITEMS], widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    lessons = forms.CharField(label=_("Lessons for the next POC"), widget=forms.Textarea(attrs={"rows": 3}))


class GuideForm(ServiceModelForm):
    class Meta:
        model = CriterionGuide
        fields = ["industry", "scenario", "metric", "unit", "direction", "form", "baseline", "reference",
                  "pass_level", "excellent_level", "pass_text", "excellent_text", "aggregation", "position", "active"]


class ArchiveExportForm(forms.Form):
    document = forms.ChoiceField(
        label=_("Document"),
        choices=[("confirmation", _("Launch confirmation")), ("resources", _("Resource guarantee list"))],
    )
    fmt = forms.ChoiceField(label=_("Format"), choices=[("pdf", "PDF"), ("docx", "DOCX")])
    change_summary = forms.CharField(
        label=_("Change summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed since the last filed version (a default is recorded if left empty)."),
    )
