"""Forms parse the input; the services decide (one place for the rules)."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES
from presales.accounts.selectors import users_with_role
from presales.core.forms import DateTimeInput, VersionedFormMixin

from . import selectors
from .models import SupportRequest


class SupportRequestForm(forms.ModelForm):
    """Ask presales for support. The customer list holds the customers the user may see; the
    opportunity list, the open opportunities of the chosen customer (reloaded by htmx when the
    customer changes)."""

    class Meta:
        model = SupportRequest
        fields = ["customer", "opportunity", "title", "request_type", "priority", "wanted_by", "description"]
        widgets = {"wanted_by": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "wanted_by": _(
                "When the work itself must be ready. The first response is due within the SLA of the "
                "priority."
            ),
            "description": _("What the customer needs, the background, who to talk to."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        customer_field = self.fields["customer"]
        customer_field.queryset = selectors.customers_for_request(user=user)
        customer_field.widget.attrs.update(
            {
                "hx-get": reverse_lazy("support:opportunity_options"),
                "hx-target": "#id_opportunity",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        customer_id = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        customer_id = getattr(customer_id, "pk", customer_id)
        try:
            customer_id = int(customer_id) if customer_id else None
        except (TypeError, ValueError):
            customer_id = None
        self.fields["opportunity"].queryset = selectors.opportunities_for_request(
            user=user, customer_id=customer_id
        )
        self.fields["opportunity"].help_text = _("Optional. The open opportunities of the chosen customer.")

    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass


class AssignForm(VersionedFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("Engineer"), queryset=users_with_role(*PRESALES_ROLES))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RespondForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Response"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The first response stops the response clock."),
    )


class CompleteForm(VersionedFormMixin, forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was delivered, and where it can be found."),
    )


class CancelForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


ACTION_FORMS = {"assign": AssignForm, "respond": RespondForm, "complete": CompleteForm, "cancel": CancelForm}
