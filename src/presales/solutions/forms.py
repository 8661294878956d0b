"""Forms parse; the services decide (the same rules and messages as the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import User
from presales.core.forms import VersionedFormMixin

from .choices import Decision, Department, DeptDecision
from .models import SectionTemplate


def reviewer_queryset():
    return User.objects.filter(is_active=True).exclude(presales_level="").order_by("username")


class ReviewerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} · {obj.get_presales_level_display()}"


class SolutionForm(VersionedFormMixin, forms.Form):
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    reviewer_1 = ReviewerField(
        label=_("Junior reviewer"),
        queryset=None,
        required=False,
        help_text=_("Presales level junior or higher; not the author."),
    )
    reviewer_2 = ReviewerField(
        label=_("Intermediate reviewer"),
        queryset=None,
        required=False,
        help_text=_("Presales level intermediate or higher; not the author."),
    )
    reviewer_3 = ReviewerField(
        label=_("Senior reviewer"),
        queryset=None,
        required=False,
        help_text=_("Presales level senior; not the author."),
    )

    def __init__(self, *args, opportunities=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reviewer_1", "reviewer_2", "reviewer_3"):
            self.fields[name].queryset = reviewer_queryset()
        if editing:
            del self.fields["opportunity"]
        else:
            self.fields["opportunity"].queryset = opportunities

    def service_data(self):
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


class SectionForm(VersionedFormMixin, forms.Form):
    content = forms.CharField(
        label=_("Content"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Markdown or plain text: # headings, - bullets."),
    )


class SubmitForm(VersionedFormMixin, forms.Form):
    change_summary = forms.CharField(
        label=_("Change summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when resubmitting: what changed since the last version."),
    )


class DecisionForm(VersionedFormMixin, forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning the solution."),
    )


class DepartmentForm(VersionedFormMixin, forms.Form):
    department = forms.ChoiceField(label=_("Department"), choices=Department.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=DeptDecision.choices, widget=forms.RadioSelect)
    reviewer_name = forms.CharField(
        label=_("Reviewer"),
        max_length=64,
        required=False,
        help_text=_("Who reviewed for the department (defaults to you)."),
    )
    comments = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless the department simply agrees."),
    )


class ReasonForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TemplateForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SectionTemplate
        fields = ["code", "title", "required", "position", "min_chars", "guidance", "active"]

    def _post_clean(self):
        pass

    def validate_unique(self):
        pass

    def service_data(self):
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)
