from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class CycleKind(models.TextChoices):
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # being set up: participants, weights, bands, deadlines
    OPEN = "open", _("Running")  # the steps run per person
    CLOSED = "closed", _("Closed")  # every result published; read only


class Step(models.TextChoices):
    """The status of one person's appraisal (see workflow.py)."""

    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    SUPERVISOR_REVIEW = "supervisor_review", _("Supervisor review")
    FEEDBACK = "feedback", _("Customer survey / 360°")
    COMMITTEE_REVIEW = "committee_review", _("Committee review")
    PUBLISHED = "published", _("Published")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APPEALED = "appealed", _("Appealed")


# A result is published (read only for everybody) in these statuses.
PUBLISHED_STEPS = frozenset({Step.PUBLISHED, Step.ACKNOWLEDGED, Step.APPEALED})
# Entries of evaluators are accepted before the committee has published.
OPEN_STEPS = frozenset({Step.SELF_ASSESSMENT, Step.SUPERVISOR_REVIEW, Step.FEEDBACK, Step.COMMITTEE_REVIEW})


class Source(models.TextChoices):
    """Who evaluates a hand-entered indicator (weights configured per cycle)."""

    SELF = "self", _("Self-assessment")
    SUPERVISOR = "supervisor", _("Supervisor")
    CUSTOMER = "customer", _("Customer survey")
    PEER = "peer", _("360° peers")


# The step in which each source enters its values.
SOURCE_STEP = {
    Source.SELF: Step.SELF_ASSESSMENT,
    Source.SUPERVISOR: Step.SUPERVISOR_REVIEW,
    Source.CUSTOMER: Step.FEEDBACK,
    Source.PEER: Step.FEEDBACK,
}


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the committee reviews the result again")
    REJECTED = "rejected", _("Rejected: the result stands")


DEFAULT_SOURCE_WEIGHTS = {
    Source.SELF: Decimal("10"),
    Source.SUPERVISOR: Decimal("50"),
    Source.CUSTOMER: Decimal("20"),
    Source.PEER: Decimal("20"),
}

# Grade bands: the lowest total of each grade, best first, and the bonus coefficient of the grade.
DEFAULT_GRADE_BANDS = [
    {"grade": "S", "min": "90", "coefficient": "1.5"},
    {"grade": "A", "min": "80", "coefficient": "1.2"},
    {"grade": "B", "min": "70", "coefficient": "1.0"},
    {"grade": "C", "min": "60", "coefficient": "0.8"},
    {"grade": "D", "min": "0", "coefficient": "0"},
]
