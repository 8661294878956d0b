"""Forms parse; the services decide (who may, the file checks, dates, the final review's meeting)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.accounts.models import User
from presales.core.forms import DateInput, VersionedFormMixin

from . import files
from .choices import AccessLevel, FinalMode, ReviewDecision
from .models import DocumentCategory


def _people():
    return User.objects.filter(is_active=True).select_related("team").order_by("display_name", "username")


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} · {obj.team}" if obj.team_id else str(obj)


def _file_help():
    return _("Accepted: %(types)s; at most %(size)s MB.") % {
        "types": files.allowed_extensions_text(),
        "size": files.max_upload_bytes() // (1024 * 1024),
    }


class DocumentCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=DocumentCategory.objects.all())
    opportunity = forms.ModelChoiceField(
        label=_("Opportunity number"),
        queryset=None,
        to_field_name="number",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "SJ-2026-00001"}),
        help_text=_("The project the document belongs to. Leave empty for a document of a customer only."),
    )
    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=None, required=False, help_text=_("Only for a document of no project.")
    )
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    access_level = forms.ChoiceField(
        label=_("Access level"), choices=AccessLevel.choices, initial=AccessLevel.TEAM
    )
    named_readers = PersonMultipleChoiceField(label=_("Named readers"), queryset=None, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    change_summary = forms.CharField(label=_("Note on this first version"), required=False, max_length=2000)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer
        from presales.opportunities.models import Opportunity

        self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
        self.fields["customer"].queryset = (
            Customer.objects.visible_to(user).only("pk", "name").order_by("name")
        )
        self.fields["named_readers"].queryset = _people()
        self.fields["file"].help_text = _file_help()


class DocumentEditForm(VersionedFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class VersionForm(VersionedFormMixin, forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    change_summary = forms.CharField(label=_("What changed"), widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label=_("Title"), max_length=200)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help()


class AccessForm(VersionedFormMixin, forms.Form):
    access_level = forms.ChoiceField(label=_("Access level"), choices=AccessLevel.choices)
    named_readers = PersonMultipleChoiceField(
        label=_("Named readers"),
        queryset=None,
        required=False,
        help_text=_(
            "They may read the document whatever its level; a confidential document is read by them only."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_readers"].queryset = _people()


class SubmitForm(VersionedFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Note to the reviewers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReviewForm(VersionedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when returning: say what the author must change."),
    )
    final_mode = forms.ChoiceField(
        label=_("Final review by"), choices=[("", "---------"), *FinalMode.choices], required=False
    )
    participants = PersonMultipleChoiceField(
        label=_("Meeting participants"),
        queryset=None,
        required=False,
        help_text=_("For a cross-department meeting: who took part (at least two teams)."),
    )

    def __init__(self, *args, final: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if final:
            self.fields["participants"].queryset = _people()
            self.fields["final_mode"].required = True
        else:
            del self.fields["final_mode"]
            del self.fields["participants"]


class ArchiveForm(VersionedFormMixin, forms.Form):
    comment = forms.CharField(label=_("Why is it archived?"), widget=forms.Textarea(attrs={"rows": 3}))


class AccessRequestForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to read it?"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("grant", _("Grant access")), ("refuse", _("Refuse"))],
    )
    until = forms.DateField(
        label=_("Access until"),
        required=False,
        widget=DateInput,
        help_text=_("The access ends after this day."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when refusing."),
    )
