from django import forms
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import User
from presales.accounts.selectors import users_with_role
from presales.core.forms import VersionedFormMixin

from .choices import OwnerKind
from .models import Contact, Customer


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
