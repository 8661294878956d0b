"""Forms parse input only; the services decide (rules, permissions, versions)."""

from django import forms
from django.forms.renderers import get_default_renderer
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES, RoleCode
from presales.accounts.models import User
from presales.accounts.selectors import users_with_role
from presales.core.forms import BootstrapFormRenderer, DateInput, VersionedFormMixin
from presales.customers.choices import Industry

from .choices import Stage
from .models import Handover, Opportunity, Retrospective


class ServiceModelForm(VersionedFormMixin, forms.ModelForm):
    """A ModelForm that only parses: model validation and constraints run in the service."""

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass


class OpportunityForm(ServiceModelForm):
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("Same as the customer")), *Industry.choices]
    )

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "customer",
            "source",
            "industry",
            "estimated_amount",
            "budget",
            "expected_close_on",
            "procurement_method",
            "sales_owner",
            "presales_lead",
            "team",
            "members",
            "competitors",
            "description",
            "confidential",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "competitors": forms.Textarea(attrs={"rows": 2}),
            "expected_close_on": DateInput(),
        }

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer

        self.fields["sales_owner"].queryset = users_with_role(RoleCode.SALES)
        self.fields["sales_owner"].required = False
        self.fields["sales_owner"].help_text = _("Defaults to the customer's sales owner.")
        self.fields["members"].queryset = users_with_role(*PRESALES_ROLES)
        if editing:
            # Customer and team are fixed; the presales lead changes through the assignment form.
            for name in ("customer", "presales_lead", "team"):
                del self.fields[name]
            self.fields["sales_owner"].required = True
            self.fields["sales_owner"].help_text = ""
            self.fields["industry"].choices = Industry.choices
            return
        self.fields["customer"].queryset = Customer.objects.visible_to(user).order_by("name")
        self.fields["presales_lead"].queryset = users_with_role(*PRESALES_ROLES)
        self.fields["presales_lead"].help_text = _(
            "Presales joins at the first customer contact: the time until a lead is assigned is measured."
        )
        self.fields["team"].required = False
        self.fields["team"].help_text = _("Defaults to the presales lead's team, else the customer's.")


MOVE_FIELDS = ["to_stage", "reason", "override", "version"]


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when going back a stage or overriding a gate."),
    )
    override = forms.BooleanField(label=_("Override the unmet conditions (manager)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, moves=(), can_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if moves:
            self.fields["to_stage"].choices = [(m.target, m.label) for m in moves]
        if not can_override:
            del self.fields["override"]

    def render(self, template_name=None, context=None, renderer=None):
        """The opportunity page renders this form unbound on every view: the markup of the form
        templates (core/forms/form.html and field.html with Django's widgets), written in Python —
        about ten template renders less per page. Anything else (a bound form, errors, another
        template, prefix or renderer) goes through the templates. `tests/opportunities/
        test_move_form.py` compares both renderings byte for byte."""
        if template_name is None and context is None and renderer is None:
            html = self._unbound_html()
            if html is not None:
                return mark_safe(html)
        return super().render(template_name, context, renderer)

    # RenderableMixin binds its own `render` to these: `{{ form }}` calls `__html__`.
    __str__ = render
    __html__ = render

    def _unbound_html(self) -> str | None:
        fields = self.fields
        if (
            self.is_bound
            or self.prefix
            or self.auto_id != "id_%s"
            or self.renderer is not get_default_renderer()
            or not isinstance(self.renderer, BootstrapFormRenderer)
            or list(fields) not in (MOVE_FIELDS, [f for f in MOVE_FIELDS if f != "override"])
            or any(self.initial.get(name) or fields[name].initial for name in fields if name != "version")
        ):
            return None
        version = self.get_initial_for_field(fields["version"], "version")
        if version is not None and not isinstance(version, int):
            return None
        out = ['<input type="hidden" name="version"']
        if version is not None:
            out.append(f' value="{version}"')
        out.append(' id="id_version">\n<div class="row g-3">')
        stage = fields["to_stage"]
        out.append(
            '<div class="col-md-6">\n\n  <label class="form-label" for="id_to_stage">'
            f'{conditional_escape(stage.label)} <span class="text-danger">*</span></label>\n  '
            '<select name="to_stage" class="form-select" id="id_to_stage">'
        )
        for value, label in stage.choices:
            if not isinstance(value, str) or not isinstance(label, (str, Promise)):
                return None  # an option group or another kind of label: the templates decide
            value, label = conditional_escape(value), conditional_escape(label)
            out.append(f'\n  <option value="{value}">{label}</option>\n')
        out.append("\n</select>\n  \n  \n\n</div>")
        reason = fields["reason"]
        out.append(
            '<div class="col-12">\n\n  <label class="form-label" for="id_reason">'
            f"{conditional_escape(reason.label)}</label>\n  "
            '<textarea name="reason" cols="40" rows="2" class="form-control" '
            'aria-describedby="id_reason_helptext" id="id_reason">\n</textarea>\n  \n  '
            f'<div class="form-text">{reason.help_text}</div>\n\n</div>'
        )
        if "override" in fields:
            out.append(
                '<div class="col-md-6">\n\n  <div class="form-check mt-4">'
                '<input type="checkbox" name="override" class="form-check-input" id="id_override"> '
                '<label class="form-check-label" for="id_override">'
                f'{conditional_escape(fields["override"].label)}</label>\n  </div>\n\n</div>'
            )
        out.append("</div>")
        return "".join(out)


class AssignLeadForm(forms.Form):
    presales_lead = forms.ModelChoiceField(label=_("Presales lead"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), required=False, max_length=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presales_lead"].queryset = users_with_role(*PRESALES_ROLES)


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Team member"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_with_role(*PRESALES_ROLES)


class RetrospectiveForm(ServiceModelForm):
    class Meta:
        model = Retrospective
        fields = [
            "outcome",
            "held_on",
            "participants",
            "summary",
            "decisive_factors",
            "went_well",
            "went_wrong",
            "lessons",
            "competitor_won",
        ]
        widgets = {
            "held_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("summary", "decisive_factors", "went_well", "went_wrong", "lessons")
            },
        }


class HandoverForm(ServiceModelForm):
    class Meta:
        model = Handover
        fields = [
            "delivery_owner",
            "handover_on",
            "responsibilities",
            "open_commitments",
            "documents",
            "notes",
        ]
        widgets = {
            "handover_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("responsibilities", "open_commitments", "documents", "notes")
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_owner"].queryset = User.objects.filter(is_active=True).order_by("display_name")


class FileForm(forms.Form):
    """Filing a generated document in the archive: only the change summary is asked."""

    change_summary = forms.CharField(
        label=_("Change summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What changed since the last filed version (a default is recorded if left empty)."),
    )
