from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import User
from presales.accounts.selectors import users_with_role
from presales.core.forms import DateInput, DateTimeInput, VersionedFormMixin

from .choices import FeedbackStatus, OwnerKind
from .models import (
    CommunicationLog,
    Complaint,
    Contact,
    Customer,
    FeedbackItem,
    SatisfactionSurvey,
    TechnicalIssue,
)
from .widgets import FastSelect


class CustomerForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "short_name", "industry", "region", "size", "status", "presales_owner", "sales_owner",
                  "team", "assistants", "website", "address", "profile", "confidential"]
        widgets = {"profile": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presales_owner"].queryset = users_with_role(*PRESALES_ROLES)
        self.fields["sales_owner"].queryset = users_with_role(RoleCode.SALES)
        self.fields["assistants"].queryset = users_with_role(*PRESALES_ROLES)
        self.fields["team"].required = False
        self.fields["team"].help_text = _("Defaults to the presales owner's team.")
        if editing:
            # Owners change through the reassignment form, which records a reason.
            for name in ("presales_owner", "sales_owner", "team"):
                del self.fields[name]

    def validate_unique(self):
        """Uniqueness and constraints are checked by the service (one place for the rule)."""

    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass


class ReassignForm(forms.Form):
    kind = forms.ChoiceField(label=_("Which owner"), choices=OwnerKind.choices)
    to_user = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ContactForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "title", "department", "phone", "email", "wechat", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass


# --- the customer's records ----------------------------------------------------------------------
# Forms parse; the services decide (required texts of state changes, dates, opportunity of the same
# customer...). Each record form is built for one customer and one user: the opportunity choice is
# that customer's opportunities the user may see, plus the one already on the record.


class CustomerRecordForm(VersionedFormMixin, forms.ModelForm):
    # Colleagues and a big customer's opportunities make long lists: render them quickly.
    fast_selects = ("opportunity", "owner", "engineer", "against")

    def __init__(self, *args, customer: Customer, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer, self.user = customer, user
        for name in self.fast_selects:
            if name in self.fields:
                field = self.fields[name]
                field.widget = FastSelect(choices=field.widget.choices)
                field.widget.is_required = field.required
        if "opportunity" in self.fields:
            from presales.opportunities.models import Opportunity

            choices = Opportunity.objects.visible_to(user).filter(customer=customer)
            current = getattr(self.instance, "opportunity_id", None)
            if current:
                choices = choices | Opportunity.objects.filter(pk=current)
            self.fields["opportunity"].queryset = choices.order_by("-created_at", "-pk")

    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass

    def service_data(self) -> tuple[dict, int | None]:
        """The cleaned data for the service, and the version the user edited."""
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


def _people(*roles: str, current_id: int | None = None):
    """Active colleagues holding one of `roles` (any role if none given), plus the person already on
    the record, so that editing does not silently drop a colleague who has since left."""
    holding = User.roles.through.objects.filter(user_id=OuterRef("pk"))
    if roles:
        holding = holding.filter(role__code__in=roles)
    return User.objects.filter((Q(is_active=True) & Q(Exists(holding))) | Q(pk=current_id or 0)).order_by(
        "display_name", "username"
    )


class CommunicationForm(CustomerRecordForm):
    class Meta:
        model = CommunicationLog
        fields = [
            "occurred_at",
            "channel",
            "opportunity",
            "is_follow_up",
            "participants",
            "subject",
            "content",
            "result",
            "next_step",
            "next_contact_on",
        ]
        widgets = {
            "occurred_at": DateTimeInput,
            "next_contact_on": DateInput,
            "content": forms.Textarea(attrs={"rows": 5}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "next_step": forms.Textarea(attrs={"rows": 2}),
        }


class TechnicalIssueForm(CustomerRecordForm):
    class Meta:
        model = TechnicalIssue
        fields = ["title", "severity", "owner", "raised_on", "due_on", "opportunity", "description"]
        widgets = {
            "raised_on": DateInput,
            "due_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(current_id=self.instance.owner_id)


class ComplaintForm(CustomerRecordForm):
    class Meta:
        model = Complaint
        fields = ["received_on", "severity", "against", "opportunity", "description"]
        widgets = {"received_on": DateInput, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["against"].queryset = User.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.against_id or 0)
        )
        self.fields["against"].help_text = _("The colleague the customer complains about, if any.")


class SurveyForm(CustomerRecordForm):
    class Meta:
        model = SatisfactionSurvey
        fields = ["engineer", "surveyed_on", "opportunity", "respondent", "score", "nps", "comments"]
        widgets = {"surveyed_on": DateInput, "comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = _people(*PRESALES_ROLES, current_id=self.instance.engineer_id)


class FeedbackForm(CustomerRecordForm):
    class Meta:
        model = FeedbackItem
        fields = ["source", "raised_on", "owner", "due_on", "opportunity", "content"]
        widgets = {"raised_on": DateInput, "due_on": DateInput, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people(current_id=self.instance.owner_id)


def record_initial(user, customer: Customer) -> dict:
    """Sensible defaults for a new record: now, today, me as owner, the customer's presales owner
    as the surveyed engineer."""
    today = timezone.localdate()
    return {
        "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
        "raised_on": today,
        "received_on": today,
        "surveyed_on": today,
        "owner": user.pk,
        "engineer": customer.presales_owner_id,
    }


# State changes: the text they need is checked by the service, so that page and API say the same.


class ResolveIssueForm(forms.Form):
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How the issue was solved; the customer confirmed it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReopenIssueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the issue is not solved after all."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class HandleComplaintForm(forms.Form):
    handling = forms.CharField(
        label=_("Handling"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done, and what the customer was told."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FeedbackStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=FeedbackStatus.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when resolved (how it was answered) or declined (why it will not be)."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
