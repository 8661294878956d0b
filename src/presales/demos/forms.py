"""Forms parse; the services decide (the same rules and messages as the API)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateInput, DateTimeInput, VersionedFormMixin

from .choices import MaterialKind, Mode, QuestionStatus, Side, Status
from .models import Demo, DemoMaterial, DemoQuestion


def colleagues():
    from presales.accounts.models import User

    return User.objects.filter(is_active=True, roles__isnull=False).distinct().order_by("username")


class DemoForm(VersionedFormMixin, forms.Form):
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    scenario = forms.CharField(
        label=_("Scenario"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which business scenario is shown, with which data."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the customer should take away from the demo."),
    )
    presenters = forms.ModelMultipleChoiceField(
        label=_("Presenters"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    planned_at = forms.DateTimeField(label=_("Planned date and time"), widget=DateTimeInput)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.ON_SITE)
    location = forms.CharField(label=_("Place or meeting link"), required=False, max_length=255)

    def __init__(self, *args, opportunities=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenters"].queryset = colleagues()
        if editing:
            del self.fields["opportunity"]
        else:
            self.fields["opportunity"].queryset = opportunities

    @staticmethod
    def initial_from(demo: Demo) -> dict:
        return {
            "title": demo.title,
            "scenario": demo.scenario,
            "goals": demo.goals,
            "presenters": list(demo.presenters.all()),
            "planned_at": timezone.localtime(demo.planned_at),
            "mode": demo.mode,
            "location": demo.location,
            "version": demo.version,
        }

    def service_data(self) -> tuple[dict, int | None]:
        data = dict(self.cleaned_data)
        data["presenters"] = list(data.get("presenters") or [])
        return data, data.pop("version", None)


class PreparationForm(VersionedFormMixin, forms.Form):
    environment_url = forms.CharField(label=_("Demo environment URL"), required=False, max_length=255)
    environment_notes = forms.CharField(
        label=_("Environment notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Accounts, data set, network, devices, fallback plan."),
    )
    rehearsal_on = forms.DateField(label=_("Rehearsal date"), required=False, widget=DateInput)
    rehearsal_participants = forms.CharField(
        label=_("Rehearsal participants"), required=False, max_length=255
    )
    rehearsal_done = forms.BooleanField(label=_("Rehearsal done"), required=False)
    rehearsal_notes = forms.CharField(
        label=_("Rehearsal notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_from(demo: Demo) -> dict:
        return {
            name: getattr(demo, name)
            for name in (
                "environment_url",
                "environment_notes",
                "rehearsal_on",
                "rehearsal_participants",
                "rehearsal_done",
                "rehearsal_notes",
                "version",
            )
        }


class EnvironmentCheckForm(VersionedFormMixin, forms.Form):
    checked = forms.BooleanField(label=_("The demo environment was checked and works"), required=False)


class MaterialForm(VersionedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=200)
    required = forms.BooleanField(label=_("Required for the demo"), required=False, initial=True)
    ready = forms.BooleanField(label=_("Ready"), required=False)

    @staticmethod
    def initial_from(material: DemoMaterial) -> dict:
        return {
            "kind": material.kind,
            "description": material.description,
            "required": material.required,
            "ready": material.ready,
            "version": material.version,
        }


class DeckForm(forms.Form):
    file = forms.FileField(
        label=_("Demo deck file"),
        required=False,
        help_text=_("PDF, PowerPoint or Word; it is registered in the document archive."),
    )
    title = forms.CharField(label=_("Document title"), required=False, max_length=200)
    change_summary = forms.CharField(
        label=_("What changed (for a new version)"), required=False, max_length=255
    )


class MoveForm(VersionedFormMixin, forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DeliveryForm(VersionedFormMixin, forms.Form):
    delivered_at = forms.DateTimeField(label=_("Actual date and time"), required=False, widget=DateTimeInput)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=0)
    our_attendees = forms.ModelMultipleChoiceField(
        label=_("Our attendees"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    customer_contacts = forms.ModelMultipleChoiceField(
        label=_("Customer attendees (contacts)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    customer_others = forms.CharField(
        label=_("Other customer attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: name, role."),
    )
    notes = forms.CharField(
        label=_("Delivery notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, demo: Demo, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Contact

        self.fields["our_attendees"].queryset = colleagues()
        self.fields["customer_contacts"].queryset = Contact.objects.filter(
            customer_id=demo.customer_id
        ).order_by("name")

    @staticmethod
    def initial_from(demo: Demo, attendees) -> dict:
        return {
            "delivered_at": timezone.localtime(
                demo.delivered_at if demo.delivered_at else timezone.now()
            ).replace(second=0, microsecond=0),
            "duration_minutes": demo.duration_minutes or 60,
            "our_attendees": [a.user_id for a in attendees if a.side == Side.OURS and a.user_id]
            or [p.pk for p in demo.presenters.all()],
            "customer_contacts": [a.contact_id for a in attendees if a.contact_id],
            "customer_others": "\n".join(
                f"{a.name}, {a.role}" if a.role else a.name
                for a in attendees
                if a.side == Side.CUSTOMER and not a.contact_id
            ),
            "notes": demo.delivery_notes,
            "version": demo.version,
        }

    def attendees(self) -> list[dict]:
        data = self.cleaned_data
        people = [{"side": Side.OURS, "user": u, "role": ""} for u in data.get("our_attendees") or []]
        people += [{"side": Side.CUSTOMER, "contact": c} for c in data.get("customer_contacts") or []]
        for line in (data.get("customer_others") or "").splitlines():
            if line.strip():
                name, _sep, role = line.replace("，", ",").partition(",")
                people.append({"side": Side.CUSTOMER, "name": name.strip(), "role": role.strip()})
        return people


class QuestionForm(VersionedFormMixin, forms.Form):
    question = forms.CharField(label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    asked_by_contact = forms.ModelChoiceField(label=_("Asked by (contact)"), queryset=None, required=False)
    asked_by = forms.CharField(
        label=_("Asked by (name)"),
        required=False,
        max_length=64,
        help_text=_("When the person is not among the customer's contacts."),
    )
    answer = forms.CharField(
        label=_("Answer given"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=QuestionStatus.choices,
        initial=QuestionStatus.OPEN,
        help_text=_("An open question goes on the customer's feedback list."),
    )

    def __init__(self, *args, demo: Demo, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Contact

        self.fields["asked_by_contact"].queryset = Contact.objects.filter(
            customer_id=demo.customer_id
        ).order_by("name")

    @staticmethod
    def initial_from(question: DemoQuestion) -> dict:
        return {
            "question": question.question,
            "asked_by_contact": question.asked_by_contact_id,
            "asked_by": question.asked_by,
            "answer": question.answer,
            "status": question.status,
            "version": question.version,
        }


class SummaryForm(VersionedFormMixin, forms.Form):
    customer_reaction = forms.CharField(
        label=_("Customer reaction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    strengths = forms.CharField(
        label=_("Strengths"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What worked: the points the customer valued."),
    )
    issues = forms.CharField(
        label=_("Issues"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went wrong or raised doubts, and the gaps found."),
    )
    follow_up_actions = forms.CharField(
        label=_("Follow-up actions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Adjustments to the solution and the demo, with owners."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_from(demo: Demo) -> dict:
        return {
            name: getattr(demo, name)
            for name in (
                "customer_reaction",
                "strengths",
                "issues",
                "follow_up_actions",
                "next_steps",
                "version",
            )
        }
