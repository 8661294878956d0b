"""Bids (投标) of an opportunity: the tender information (招标信息), the compilation plan
(编制计划: sections with the person responsible, milestones, coordination meetings), the business
and technical parts as checklists of sections, the specification deviation table (技术规格偏离表),
the review and proofreading checklist (审核校对清单), the sealed submission (密封递交) with its
receipt (回执), and the result and ranking.

A bid is visible exactly when its opportunity is (`Bid.objects.visible_to(user)`); everything
hanging off a bid is visible exactly when the bid is."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from presales.core.models import CreatedByModel
from presales.core.permissions import visible_through

from .choices import (
    BondStatus,
    Deviation,
    EventAction,
    Part,
    Result,
    ReviewGroup,
    SectionKind,
    Status,
    SubmissionMethod,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 16, "decimal_places": 2}


def default_time_zone() -> str:
    return settings.TIME_ZONE or "Asia/Shanghai"


class BidQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The bids of the opportunities the user may see (same rule, same 404)."""
        from presales.opportunities.models import Opportunity

        return visible_through(self, user, "opportunity", Opportunity)


class BidChildQuerySet(models.QuerySet):
    def visible_to(self, user):
        return visible_through(self, user, "bid", Bid)


class Bid(CreatedByModel):
    """One bid for one tender of an opportunity, numbered TB-YYYY-NNNN by the sequence service."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"),
                                    on_delete=models.PROTECT, related_name="bids")
    # tender information 招标信息
    issuer = models.CharField(_("issuer"), max_length=200, help_text=_("The tendering party or its agency."))
    tender_number = models.CharField(_("tender number"), max_length=64, blank=True)
    project_name = models.CharField(_("project name"), max_length=200)
    deadline = models.DateTimeField(_("submission deadline"), db_index=True)
    time_zone = models.CharField(_("tender time zone"), max_length=64, default=default_time_zone,
                                 help_text=_("IANA name, e.g. Asia/Shanghai: the deadline is stated in it."))
    opening_place = models.CharField(_("opening place"), max_length=255, blank=True)
    bond_amount = models.DecimalField(_("bid bond amount (CNY)"), **MONEY, null=True, blank=True)
    bond_status = models.CharField(_("bid bond status"), max_length=16, choices=BondStatus.choices,
                                   default=BondStatus.NOT_REQUIRED)
    copies = models.PositiveSmallIntegerField(_("copies"), null=True, blank=True,
                                              help_text=_("Originals and copies required, e.g. 1 original + 4."))
    binding = models.CharField(_("binding"), max_length=200, blank=True)
    sealing = models.CharField(_("sealing and marking"), max_length=200, blank=True)
    electronic_upload = models.BooleanField(_("electronic upload required"), default=False)
    format_notes = models.TextField(_("other format rules"), blank=True)
    # compilation plan 编制计划
    business_owner = models.ForeignKey(USER, verbose_name=_("business specialist"), on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="business_bids",
                                       help_text=_("Writes the business part."))
    technical_owner = models.ForeignKey(USER, verbose_name=_("solution architect"), on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="technical_bids",
                                        help_text=_("Writes the technical part."))
    # sealed submission 密封递交
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREPARING,
                              editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(USER, verbose_name=_("submitted by"), on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="+", editable=False)
    submission_method = models.CharField(_("submission method"), max_length=16, choices=SubmissionMethod.choices,
                                         blank=True, editable=False)
    submission_note = models.TextField(_("submission note"), blank=True, editable=False)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), blank=True, editable=False)
    # receipt 回执
    receipt_number = models.CharField(_("receipt number"), max_length=64, blank=True, editable=False)
    receipt_received_by = models.CharField(_("received by"), max_length=64, blank=True, editable=False)
    receipt_at = models.DateTimeField(_("receipt time"), null=True, blank=True, editable=False)
    receipt_document = models.ForeignKey("documents.Document", verbose_name=_("receipt scan"),
                                         on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         editable=False)
    # result and ranking 结果与排名
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True, editable=False)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True, editable=False)
    our_rank = models.PositiveSmallIntegerField(_("our rank"), null=True, blank=True, editable=False)
    bidder_count = models.PositiveSmallIntegerField(_("number of bidders"), null=True, blank=True, editable=False)
    winning_bidder = models.CharField(_("winning bidder"), max_length=200, blank=True, editable=False)
    winning_price = models.DecimalField(_("winning price (CNY)"), **MONEY, null=True, blank=True, editable=False)
    our_price = models.DecimalField(_("our price (CNY)"), **MONEY, null=True, blank=True, editable=False)
    result_notes = models.TextField(_("result notes"), blank=True, editable=False)
    history = HistoricalRecords()

    objects = BidQuerySet.as_manager()
    constraint_fields = {"bid_bond_negative": "bond_amount", "bid_rank": "our_rank"}

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["opportunity", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(bond_amount__isnull=True) | Q(bond_amount__gte=0),
                                   name="bid_bond_not_negative", violation_error_code="bid_bond_negative",
                                   violation_error_message=_("The bid bond cannot be negative.")),
            models.CheckConstraint(
                condition=Q(our_rank__isnull=True) | Q(bidder_count__isnull=True) | Q(our_rank__lte=models.F("bidder_count")),
                name="bid_rank_within_bidders", violation_error_code="bid_rank",
                violation_error_message=_("Our rank cannot exceed the number of bidders.")),
            models.CheckConstraint(
                condition=~Q(status=Status.SUBMITTED) | Q(submitted_at__isnull=False, submitted_by__isnull=False),
                name="bid_submitted_has_time_and_person",
                violation_error_message=_("A submitted bid records who submitted it and when.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    def get_absolute_url(self) -> str:
        return reverse("bids:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == Status.PREPARING and not self.result

    @property
    def tender_tz(self):
        from .deadline import zone

        return zone(self.time_zone)

    @property
    def local_deadline(self):
        return self.deadline.astimezone(self.tender_tz)


class BidChild(CreatedByModel):
    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="+")

    objects = BidChildQuerySet.as_manager()
    anchor = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        url = reverse("bids:detail", args=[self.bid_id])
        return f"{url}#{self.anchor}" if self.anchor else url


class Section(BidChild):
    """One section of the bid document (组成结构), in the business or the technical part, with the
    person responsible (职责分工) and whether it is done: the business and technical checklists."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="sections")
    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=SectionKind.choices, default=SectionKind.OTHER)
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    owner = models.ForeignKey(USER, verbose_name=_("responsible"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="bid_sections")
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()
    anchor = "plan"

    class Meta:
        verbose_name = _("bid section")
        verbose_name_plural = _("bid sections")
        ordering = ["bid", "part", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Milestone(BidChild):
    """A milestone of the compilation plan (时间节点), due before the deadline."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due at"))
    owner = models.ForeignKey(USER, verbose_name=_("responsible"), on_delete=models.PROTECT, null=True, blank=True,
                              related_name="bid_milestones")
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    history = HistoricalRecords()
    anchor = "plan"

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["bid", "due_at", "pk"]
        indexes = [models.Index(fields=["done_at", "due_at"])]

    def __str__(self) -> str:
        return self.title


class Meeting(BidChild):
    """The coordination meeting (编制协调会): who attended, what was decided."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField(_("held at"))
    participants = models.CharField(_("participants"), max_length=255)
    minutes = models.TextField(_("minutes"))
    history = HistoricalRecords()
    anchor = "plan"

    class Meta:
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")
        ordering = ["bid", "-held_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d}"


class DeviationRow(BidChild):
    """One row of the specification deviation table: the tender's requirement, our response, the
    deviation and why. A positive or negative deviation needs its explanation; a negative deviation
    on a mandatory (★, 实质性条款) requirement is a disqualification risk."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="deviations")
    item_no = models.PositiveIntegerField(_("item no."))
    requirement = models.TextField(_("tender requirement"))
    mandatory = models.BooleanField(_("mandatory (★)"), default=False,
                                    help_text=_("A substantive clause: a negative deviation may void the bid."))
    response = models.TextField(_("our response"))
    deviation = models.CharField(_("deviation"), max_length=16, choices=Deviation.choices, default=Deviation.NONE)
    explanation = models.TextField(_("explanation"), blank=True)
    history = HistoricalRecords()
    anchor = "technical"

    class Meta:
        verbose_name = _("deviation table row")
        verbose_name_plural = _("deviation table rows")
        ordering = ["bid", "item_no", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "item_no"], name="bid_deviation_unique_item_no",
                                    violation_error_message=_("This item number is already used in the table.")),
            models.CheckConstraint(condition=Q(item_no__gte=1), name="bid_deviation_item_no_positive",
                                   violation_error_code="item_no",
                                   violation_error_message=_("Item numbers start at 1.")),
        ]
    constraint_fields = {"item_no": "item_no"}

    def __str__(self) -> str:
        return f"{self.item_no}. {self.requirement[:40]}"

    @property
    def missing_explanation(self) -> bool:
        return self.deviation != Deviation.NONE and not self.explanation.strip()

    @property
    def disqualification_risk(self) -> bool:
        return self.mandatory and self.deviation == Deviation.NEGATIVE


class ReviewItem(BidChild):
    """One item of the review and proofreading checklist: open, or checked by a person at a time."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="review_items")
    group = models.CharField(_("group"), max_length=16, choices=ReviewGroup.choices)
    text = models.CharField(_("check"), max_length=255)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    checked_by = models.ForeignKey(USER, verbose_name=_("checked by"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", editable=False)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)
    history = HistoricalRecords()
    anchor = "review"

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review checklist")
        ordering = ["bid", "group", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True, checked_at__isnull=True)
                | Q(checked_by__isnull=False, checked_at__isnull=False),
                name="bid_review_checked_by_and_at",
                violation_error_message=_("A checked item records who checked it and when.")),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class BidEvent(models.Model):
    """One step of the bid's life: submitted, withdrawn, receipt, result (who, when, what)."""

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32, choices=EventAction.choices)
    actor = models.ForeignKey(USER, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    note = models.TextField(_("note"), blank=True)

    objects = BidChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("bid event")
        verbose_name_plural = _("bid events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.bid_id}: {self.action}"
