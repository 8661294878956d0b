"""Forms parse; the services decide (the same rules and messages as the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateInput, DateTimeInput, VersionedFormMixin

from .choices import ActivityKind, ConfirmationMethod
from .models import RequirementConfirmation, RequirementItem, ResearchActivity, ResearchPlan, ResearchReport


class ServiceModelForm(VersionedFormMixin, forms.ModelForm):
    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass

    def validate_unique(self):
        pass

    def service_data(self) -> tuple[dict, int | None]:
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


def _people(form, opportunity) -> None:
    """Our people: the opportunity's team, its lead and sales owner; theirs: the customer's contacts."""
    from django.db.models import Q

    from presales.accounts.models import User
    from presales.customers.models import Contact

    ours = Q(team_id=opportunity.team_id) | Q(pk__in=[opportunity.presales_lead_id or 0, opportunity.sales_owner_id])
    form.fields["our_participants"].queryset = User.objects.filter(ours, is_active=True).order_by("display_name", "pk")
    form.fields["customer_contacts"].queryset = Contact.objects.filter(customer_id=opportunity.customer_id)


PEOPLE_WIDGETS = {"our_participants": forms.CheckboxSelectMultiple, "customer_contacts": forms.CheckboxSelectMultiple}


class PlanForm(ServiceModelForm):
    methods = forms.MultipleChoiceField(label=_("Research methods"), choices=ActivityKind.choices,
                                        widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ResearchPlan
        fields = ["goals", "content", "methods", "starts_on", "ends_on", "our_participants", "customer_contacts",
                  "other_participants"]
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "goals": forms.Textarea(attrs={"rows": 3}),
                   "content": forms.Textarea(attrs={"rows": 4}), **PEOPLE_WIDGETS}

    def __init__(self, *args, opportunity, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self, opportunity)


class ActivityForm(ServiceModelForm):
    class Meta:
        model = ResearchActivity
        fields = ["kind", "subject", "scheduled_at", "duration_minutes", "location", "our_participants",
                  "customer_contacts", "other_participants", "notes"]
        widgets = {"scheduled_at": DateTimeInput, "notes": forms.Textarea(attrs={"rows": 4}), **PEOPLE_WIDGETS}

    def __init__(self, *args, opportunity, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        _people(self, opportunity)
        if creating:
            self.fields["done"] = forms.BooleanField(
                label=_("Already held (record it as done, with its notes)"), required=False)


class CompleteForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                            help_text=_("What was learned: facts, quotes, numbers, requirements raised."))
    scheduled_at = forms.DateTimeField(label=_("Held at"), widget=DateTimeInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), required=False, max_length=200,
                            help_text=_("Defaults to the file name."))


class ReportForm(ServiceModelForm):
    class Meta:
        model = ResearchReport
        fields = ["summary", "current_state", "pain_points", "findings", "recommendations"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


class ItemForm(ServiceModelForm):
    class Meta:
        model = RequirementItem
        fields = ["title", "description", "priority", "category", "status", "source_activity", "source_contact",
                  "raised_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, opportunity, **kwargs):
        from presales.customers.models import Contact

        super().__init__(*args, **kwargs)
        self.fields["source_activity"].queryset = ResearchActivity.objects.filter(opportunity_id=opportunity.pk)
        self.fields["source_contact"].queryset = Contact.objects.filter(customer_id=opportunity.customer_id)


class ConfirmationForm(forms.ModelForm):
    class Meta:
        model = RequirementConfirmation
        fields = ["method", "confirmed_on", "contact", "signatory_name", "signatory_title", "reference", "notes"]
        widgets = {"confirmed_on": DateInput, "method": forms.RadioSelect(choices=ConfirmationMethod.choices),
                   "reference": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, opportunity, **kwargs):
        from presales.customers.models import Contact

        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(customer_id=opportunity.customer_id)
        self.fields["signatory_name"].required = False
        self.fields["signatory_name"].help_text = _("Filled from the contact when left empty.")

    def _post_clean(self):
        pass

    def validate_unique(self):
        pass
