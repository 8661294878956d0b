from __future__ import annotations

from django.core.mail import send_mail

from ..rendering import email_texts
from .base import Outcome, Sender


class EmailSender(Sender):
    """One e-mail per notification, in the recipient's language."""

    code = "email"

    def send(self, delivery) -> Outcome:
        recipient = delivery.notification.recipient
        if not recipient.email:
            return Outcome(False, error="no e-mail address", retry=False)
        subject, text = email_texts(delivery.notification)
        try:
            send_mail(subject, text, None, [recipient.email], fail_silently=False)
        except OSError as exc:  # SMTP and socket errors
            return Outcome(False, error=str(exc)[:1000])
        return Outcome(True)
