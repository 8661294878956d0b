"""Forms parse; the services decide (the same rules and messages as the API)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateTimeInput, VersionedFormMixin

from . import deadline as clock
from .choices import Result, SubmissionMethod
from .models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section


class ServiceModelForm(VersionedFormMixin, forms.ModelForm):
    def _post_clean(self):
        pass  # model validation runs in the service

    def validate_unique(self):
        pass

    def service_data(self) -> tuple[dict, int | None]:
        data = dict(self.cleaned_data)
        return data, data.pop("version", None)


def _people():
    from presales.accounts.models import User

    return User.objects.filter(is_active=True).order_by("display_name", "username")


class BidForm(ServiceModelForm):
    """The tender information. The deadline is typed as the tender states it, in the tender's
    time zone (not the viewer's)."""

    deadline = forms.DateTimeField(label=_("Submission deadline"), widget=DateTimeInput,
                                   help_text=_("As the tender states it, in the tender's time zone."))
    time_zone = forms.ChoiceField(label=_("Tender time zone"), choices=clock.zone_choices, initial=settings.TIME_ZONE)

    class Meta:
        model = Bid
        fields = ["opportunity", "issuer", "tender_number", "project_name", "deadline", "time_zone", "opening_place",
                  "bond_amount", "bond_status", "copies", "binding", "sealing", "electronic_upload", "format_notes",
                  "business_owner", "technical_owner"]
        widgets = {"format_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, opportunities=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["opportunity"]
            if self.instance and self.instance.pk and not self.is_bound:
                self.initial["deadline"] = self.instance.local_deadline.replace(tzinfo=None)
        else:
            self.fields["opportunity"].queryset = opportunities
        for name in ("business_owner", "technical_owner"):
            self.fields[name].queryset = _people()

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        # the digits typed are the tender's wall-clock time: the service places them in its zone
        return timezone.make_naive(value) if value is not None and timezone.is_aware(value) else value


class SectionForm(ServiceModelForm):
    class Meta:
        model = Section
        fields = ["part", "kind", "title", "owner", "done", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


class MilestoneForm(ServiceModelForm):
    done = forms.BooleanField(label=_("Done"), required=False)

    class Meta:
        model = Milestone
        fields = ["title", "due_at", "owner"]
        widgets = {"due_at": DateTimeInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()
        self.fields["due_at"].help_text = _("In your time zone; before the submission deadline.")
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["done"] = self.instance.done_at is not None
            self.initial["due_at"] = timezone.localtime(self.instance.due_at)


class MeetingForm(ServiceModelForm):
    class Meta:
        model = Meeting
        fields = ["held_at", "participants", "minutes"]
        widgets = {"held_at": DateTimeInput, "minutes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["held_at"] = timezone.localtime(self.instance.held_at)


class DeviationForm(ServiceModelForm):
    class Meta:
        model = DeviationRow
        fields = ["item_no", "requirement", "mandatory", "response", "deviation", "explanation"]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3}), "response": forms.Textarea(attrs={"rows": 3}),
                   "explanation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_no"].required = False
        self.fields["item_no"].help_text = _("Left empty: the next number.")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           help_text=_("Columns 序号, 招标要求, 投标响应, 偏离类型, 偏离说明 (and optionally 实质性条款). "
                                       "The file replaces the whole table."))


class ReviewItemForm(ServiceModelForm):
    class Meta:
        model = ReviewItem
        fields = ["group", "text", "note"]


class SubmitForm(forms.Form):
    method = forms.ChoiceField(label=_("Delivered"), choices=SubmissionMethod.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Courier tracking number, upload confirmation, who carried it..."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReceiptForm(forms.Form):
    receipt_number = forms.CharField(label=_("Receipt number"), max_length=64, required=False)
    received_by = forms.CharField(label=_("Received by"), max_length=64, required=False)
    received_at = forms.DateTimeField(label=_("Receipt time"), widget=DateTimeInput, required=False)
    scan = forms.FileField(label=_("Receipt scan"), required=False,
                           help_text=_("Stored as a registered document of the bid category."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("", "---------"), *Result.choices], required=False)
    our_rank = forms.IntegerField(label=_("Our rank"), required=False, min_value=0)
    bidder_count = forms.IntegerField(label=_("Number of bidders"), required=False, min_value=0)
    winning_bidder = forms.CharField(label=_("Winning bidder"), max_length=200, required=False)
    winning_price = forms.DecimalField(label=_("Winning price (CNY)"), required=False, max_digits=16, decimal_places=2)
    our_price = forms.DecimalField(label=_("Our price (CNY)"), required=False, max_digits=16, decimal_places=2)
    result_notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
