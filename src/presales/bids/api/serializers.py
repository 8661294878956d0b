from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from presales.accounts.models import User

from .. import deadline as clock
from ..choices import Result, SubmissionMethod
from ..models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section


def _people():
    return User.objects.filter(is_active=True)


class BidCountdownSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    days = serializers.IntegerField()
    hours = serializers.IntegerField()
    minutes = serializers.IntegerField()
    total_hours = serializers.FloatField()
    level = serializers.CharField(help_text="passed, critical (≤4 h), urgent (≤24 h), soon (≤72 h) or ok")


class BidSerializer(serializers.ModelSerializer):
    """The tender information and the bid's state. `deadline` is an instant (ISO 8601 with its
    offset; a value without an offset is read in the server's time zone); `deadline_local` is the
    same instant in the tender's `time_zone`. Submission, receipt and result change only through
    their actions."""

    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    deadline_local = serializers.SerializerMethodField()
    countdown = serializers.SerializerMethodField()
    business_owner = serializers.PrimaryKeyRelatedField(queryset=_people(), allow_null=True, required=False)
    technical_owner = serializers.PrimaryKeyRelatedField(queryset=_people(), allow_null=True, required=False)

    class Meta:
        model = Bid
        fields = ["id", "number", "opportunity", "opportunity_number", "issuer", "tender_number", "project_name",
                  "deadline", "time_zone", "deadline_local", "countdown", "opening_place", "bond_amount",
                  "bond_status", "copies", "binding", "sealing", "electronic_upload", "format_notes",
                  "business_owner", "technical_owner", "status", "submitted_at", "submitted_by",
                  "submission_method", "submission_note", "withdrawn_reason", "receipt_number",
                  "receipt_received_by", "receipt_at", "receipt_document", "result", "result_at", "our_rank",
                  "bidder_count", "winning_bidder", "winning_price", "our_price", "result_notes", "version",
                  "created_at", "updated_at"]
        read_only_fields = ["number", "status", "submitted_at", "submitted_by", "submission_method",
                            "submission_note", "withdrawn_reason", "receipt_number", "receipt_received_by",
                            "receipt_at", "receipt_document", "result", "result_at", "our_rank", "bidder_count",
                            "winning_bidder", "winning_price", "our_price", "result_notes", "version", "created_at",
                            "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            self.fields["opportunity"].read_only = True

    def get_deadline_local(self, obj) -> str:
        return obj.local_deadline.isoformat()

    @extend_schema_field(BidCountdownSerializer)
    def get_countdown(self, obj):
        c = clock.countdown(obj.deadline, timezone.now())
        return {"passed": c.passed, "days": c.days, "hours": c.hours, "minutes": c.minutes,
                "total_hours": round(c.total_hours, 2), "level": c.level}


class BidSectionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=_people(), allow_null=True, required=False)

    class Meta:
        model = Section
        fields = ["id", "bid", "part", "kind", "title", "position", "owner", "done", "done_at", "note", "version"]
        read_only_fields = ["done_at", "version"]


class BidMilestoneSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=_people(), allow_null=True, required=False)
    done = serializers.BooleanField(required=False, write_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = ["id", "bid", "title", "due_at", "owner", "done", "done_at", "overdue", "version"]
        read_only_fields = ["done_at", "version"]

    def get_overdue(self, obj) -> bool:
        return obj.done_at is None and obj.due_at <= timezone.now()


class BidMeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "bid", "held_at", "participants", "minutes", "version"]
        read_only_fields = ["version"]


class BidDeviationSerializer(serializers.ModelSerializer):
    disqualification_risk = serializers.BooleanField(read_only=True)
    item_no = serializers.IntegerField(required=False, allow_null=True, min_value=0)

    class Meta:
        model = DeviationRow
        fields = ["id", "bid", "item_no", "requirement", "mandatory", "response", "deviation", "explanation",
                  "disqualification_risk", "version"]
        read_only_fields = ["version"]
        validators = []
        extra_kwargs = {"requirement": {"allow_blank": True}, "response": {"allow_blank": True}}


class BidReviewItemSerializer(serializers.ModelSerializer):
    checked = serializers.BooleanField(required=False, write_only=True)
    is_checked = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReviewItem
        fields = ["id", "bid", "group", "text", "position", "note", "checked", "is_checked", "checked_by",
                  "checked_at", "version"]
        read_only_fields = ["checked_by", "checked_at", "version"]
        extra_kwargs = {"text": {"allow_blank": True}}


class BidSubmitSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SubmissionMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class BidWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(required=False)


class BidReceiptSerializer(serializers.Serializer):
    receipt_number = serializers.CharField(allow_blank=True, max_length=64)
    received_by = serializers.CharField(allow_blank=True, max_length=64)
    received_at = serializers.DateTimeField()
    scan = serializers.FileField(required=False)
    version = serializers.IntegerField(required=False)


class BidResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Result.choices)
    our_rank = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    bidder_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    winning_bidder = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    winning_price = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    our_price = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True)
    result_notes = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class BidDeviationImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class BidDeviationImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()


class BidProblemsSerializer(serializers.Serializer):
    problems = serializers.ListField(child=serializers.CharField())
