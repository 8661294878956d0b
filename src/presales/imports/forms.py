from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.accounts.choices import PRESALES_ROLES

from .choices import ImportKind, ImportMode
from .spec import CHOICE, USER, choice_lookup, fields_of, normalise


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect)
    source = forms.CharField(
        label=_("Source system"),
        max_length=64,
        help_text=_("The CRM the file comes from: its column mapping is remembered for the next file."),
        widget=forms.TextInput(attrs={"list": "known-sources", "autocomplete": "off"}),
    )
    file = forms.FileField(
        label=_("CRM export file"), help_text=_("CSV (UTF-8 or GBK) or XLSX, first row = column headers.")
    )


class MappingForm(forms.Form):
    """One select per file column (which field it fills), one per value of the choice columns
    (which stage, industry... it means), one per owner value that is no login or e-mail, and the
    default presales owner for new customers. Field names are indexes (headers are free text)."""

    IGNORE = ""

    def __init__(self, *args, job, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.job = job
        self.spec = fields_of(job.kind)
        field_choices = [(self.IGNORE, _("— not imported —"))] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in self.spec.values()
        ]
        self.column_fields = []
        for i, header in enumerate(job.headers):
            name = f"col_{i}"
            samples = "、".join(job.samples.get(header, [])[:3])
            self.fields[name] = forms.ChoiceField(
                label=header,
                choices=field_choices,
                required=False,
                initial=job.columns.get(header, self.IGNORE),
                help_text=_("e.g. %(values)s") % {"values": samples} if samples else "",
            )
            self.column_fields.append((header, name))
        self.value_fields = []  # (field label, raw value, form field name)
        self.owner_fields = []
        mapped = {f: h for h, f in job.columns.items()}
        user_choices = [("", _("— as in the file —"))] + [(str(u.pk), f"{u} ({u.username})") for u in users]
        known_logins = {u.username.lower() for u in users} | {u.email.lower() for u in users if u.email}
        owner_values: list[str] = []
        for name, f in self.spec.items():
            header = mapped.get(name)
            if header is None:
                continue
            if f.type == CHOICE:
                lookup = choice_lookup(f)
                remembered = job.values.get(name, {})
                choices = [("", _("— not recognised —"))] + list(f.choices.choices)
                for j, raw in enumerate(job.samples.get(header, [])):
                    key = f"val_{name}_{j}"
                    initial = remembered.get(raw) or lookup.get(normalise(raw), "")
                    self.fields[key] = forms.ChoiceField(
                        label=raw, choices=choices, required=False, initial=initial
                    )
                    self.value_fields.append((f.label, raw, key))
            elif f.type == USER:
                for raw in job.samples.get(header, []):
                    if raw.lower() not in known_logins and raw not in owner_values:
                        owner_values.append(raw)
        for k, raw in enumerate(owner_values):
            key = f"owner_{k}"
            self.fields[key] = forms.ChoiceField(
                label=raw, choices=user_choices, required=False, initial=str(job.owners.get(raw, ""))
            )
            self.owner_fields.append((raw, key))
        if job.kind == ImportKind.CUSTOMERS:
            presales = [u for u in users if u.role_codes & PRESALES_ROLES]
            self.fields["default_presales_owner"] = forms.ChoiceField(
                label=_("Presales owner of new customers without one"),
                choices=[("", _("— none: the file must name one —"))]
                + [(str(u.pk), f"{u} ({u.username})") for u in presales],
                required=False,
                initial=str(job.default_presales_owner_id or ""),
                help_text=_(
                    "CRM exports rarely name the presales owner (专人专接口); new customers get this person."
                ),
            )
        self.users_by_pk = {str(u.pk): u for u in users}

    # (label..., bound field) rows for the template
    def column_rows(self):
        return [(header, self[name]) for header, name in self.column_fields]

    def value_rows(self):
        return [(label, raw, self[name]) for label, raw, name in self.value_fields]

    def owner_rows(self):
        return [(raw, self[name]) for raw, name in self.owner_fields]

    def mapping(self) -> dict:
        data = self.cleaned_data
        columns = {header: data.get(name) or "" for header, name in self.column_fields}
        values: dict[str, dict[str, str]] = {}
        for name in self.spec:
            for _label, raw, key in self.value_fields:
                if key.startswith(f"val_{name}_") and data.get(key):
                    values.setdefault(name, {})[raw] = data[key]
        owners = {raw: data[key] for raw, key in self.owner_fields if data.get(key)}
        default = self.users_by_pk.get(data.get("default_presales_owner") or "")
        return {
            "columns": {h: f for h, f in columns.items() if f},
            "values": values,
            "owners": owners,
            "default_presales_owner": default,
        }


class ConfirmForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Rows with errors"),
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        initial=ImportMode.ALL_OR_NOTHING,
    )
