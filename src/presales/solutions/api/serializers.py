from rest_framework import serializers

from presales.accounts.models import User

from ..choices import Department, DeptDecision
from ..models import (
    DepartmentReview,
    LevelDecision,
    ReviewRound,
    SectionTemplate,
    Solution,
    SolutionSection,
    SolutionVersion,
)


class SectionTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = SectionTemplate
        fields = ["id", "code", "title", "required", "position", "guidance", "min_chars", "active", "version"]
        read_only_fields = ["version"]
        validators = []
        extra_kwargs = {"code": {"validators": []}}


class SolutionSectionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="template.code", read_only=True)
    title = serializers.CharField(source="template.title", read_only=True)
    required = serializers.BooleanField(source="template.required", read_only=True)

    class Meta:
        model = SolutionSection
        fields = [
            "id",
            "solution",
            "code",
            "title",
            "required",
            "content",
            "updated_by",
            "version",
            "updated_at",
        ]
        read_only_fields = ["solution", "updated_by", "version", "updated_at"]


class SolutionSerializer(serializers.ModelSerializer):
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True)
    author_name = serializers.CharField(source="author.__str__", read_only=True)

    class Meta:
        model = Solution
        fields = [
            "id",
            "opportunity",
            "opportunity_number",
            "title",
            "author",
            "author_name",
            "is_current",
            "reviewer_1",
            "reviewer_2",
            "reviewer_3",
            "status",
            "current_level",
            "status_changed_at",
            "completeness",
            "rounds_count",
            "first_pass",
            "first_reviewed_at",
            "submitted_at",
            "passed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "is_current",
            "status",
            "current_level",
            "status_changed_at",
            "completeness",
            "rounds_count",
            "first_pass",
            "first_reviewed_at",
            "submitted_at",
            "passed_at",
            "version",
            "created_at",
            "updated_at",
        ]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(request.user)
        people = User.objects.filter(is_active=True)
        for name in ("author", "reviewer_1", "reviewer_2", "reviewer_3"):
            self.fields[name].queryset = people
        self.fields["author"].required = False
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["opportunity"].read_only = True
            self.fields["author"].read_only = True


class SolutionVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SolutionVersion
        fields = [
            "id",
            "solution",
            "number",
            "author",
            "created_at",
            "change_summary",
            "sections",
            "completeness",
            "missing",
        ]
        read_only_fields = fields


class SolutionLevelDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelDecision
        fields = ["level", "reviewer", "decision", "comments", "decided_at"]
        read_only_fields = fields


class SolutionDepartmentReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = DepartmentReview
        fields = ["department", "decision", "comments", "reviewer", "reviewer_name", "decided_at"]
        read_only_fields = fields


class SolutionReviewRoundSerializer(serializers.ModelSerializer):
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    decisions = SolutionLevelDecisionSerializer(many=True, read_only=True)
    department_reviews = SolutionDepartmentReviewSerializer(many=True, read_only=True)

    class Meta:
        model = ReviewRound
        fields = [
            "id",
            "solution",
            "number",
            "version_number",
            "submitted_by",
            "submitted_at",
            "outcome",
            "internal_passed",
            "internal_decided_at",
            "returned_level",
            "returned_by_departments",
            "closed_at",
            "decisions",
            "department_reviews",
        ]
        read_only_fields = fields


class SolutionCompletenessSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    required = serializers.IntegerField()
    filled = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.CharField())
    missing_codes = serializers.ListField(child=serializers.CharField())


class SolutionSubmitSerializer(serializers.Serializer):
    change_summary = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class SolutionApproveSerializer(serializers.Serializer):
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class SolutionReturnSerializer(serializers.Serializer):
    comments = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required: what must change."
    )
    version = serializers.IntegerField(required=False)


class SolutionDepartmentSerializer(serializers.Serializer):
    department = serializers.ChoiceField(choices=Department.choices)
    decision = serializers.ChoiceField(choices=DeptDecision.choices)
    comments = serializers.CharField(required=False, allow_blank=True, default="")
    reviewer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    version = serializers.IntegerField(required=False)


class SolutionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class SolutionDiffLineSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.CharField()


class SolutionDiffSectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    changed = serializers.BooleanField()
    lines = SolutionDiffLineSerializer(many=True)


class SolutionProgressSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField()
    progress = serializers.CharField()


class SolutionFirstPassSerializer(serializers.Serializer):
    author_id = serializers.IntegerField()
    author = serializers.CharField()
    reviewed = serializers.IntegerField()
    first_pass = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
