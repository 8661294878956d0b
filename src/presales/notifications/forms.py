from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .choices import Channel, Event
from .models import TeamRobot


class InboxFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Event.choices])
    unread = forms.BooleanField(label=_("Unread only"), required=False)


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    """Language, digest, and one switch per event and channel."""

    language = forms.ChoiceField(
        label=_("Language of e-mails and robot messages"), choices=settings.LANGUAGES
    )
    email_digest = forms.BooleanField(
        label=_("Daily digest e-mail"),
        required=False,
        help_text=_("One e-mail a day instead of one per event."),
    )

    def __init__(self, *args, current: dict[tuple[str, str], bool] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for event in Event:
            for channel in Channel:
                self.fields[field_name(event, channel)] = forms.BooleanField(
                    label=f"{event.label} · {channel.label}",
                    required=False,
                    initial=current.get((event.value, channel.value), True),
                )

    def matrix(self):
        """Rows of (event label, [bound fields per channel]) for the template."""
        return [(event.label, [self[field_name(event, channel)] for channel in Channel]) for event in Event]

    def enabled(self) -> dict[tuple[str, str], bool]:
        return {
            (event.value, channel.value): bool(self.cleaned_data.get(field_name(event, channel)))
            for event in Event
            for channel in Channel
        }


class TeamRobotForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Copied from the robot's settings in the group, e.g. https://oapi.dingtalk.com/robot/send?access_token=…"
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events posted to the group"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )

    class Meta:
        model = TeamRobot
        fields = ["team", "name", "platform", "url", "secret", "events", "active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def clean(self):
        data = super().clean()
        if data.get("platform") in ("dingtalk", "feishu") and not data.get("secret"):
            self.add_error(
                "secret", _("DingTalk and Feishu robots are signed: enter the robot's signing secret.")
            )
        return data
