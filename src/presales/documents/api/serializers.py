from django.urls import reverse
from rest_framework import serializers

from presales.accounts.models import User

from ..choices import AccessLevel, FinalMode
from ..models import AccessRequest, Document, DocumentCategory, DocumentEvent, DocumentVersion, DownloadLog

# Shown to people who may find a document but not read it: enough to ask for access.
RESTRICTED_HIDDEN = ("description", "named_readers", "current_version", "valid_until", "published_version")


class DocumentCategorySerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = DocumentCategory
        fields = [
            "id",
            "kind",
            "label",
            "code",
            "needs_department_head",
            "needs_presales_manager",
            "needs_final_review",
            "steps",
        ]
        read_only_fields = fields

    def get_steps(self, obj) -> list[str]:
        from ..approval import steps_for

        return [str(s) for s in steps_for(obj)]


class DocumentVersionSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    size = serializers.IntegerField(source="blob.size", read_only=True)
    file_type = serializers.CharField(source="blob.file_type", read_only=True)
    sha256 = serializers.CharField(source="blob.sha256", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "filename",
            "change_summary",
            "author",
            "author_name",
            "created_at",
            "size",
            "file_type",
            "sha256",
            "metadata",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("document-version-download", args=[obj.document_id, obj.number])


class DocumentSerializer(serializers.ModelSerializer):
    """A document as its readers see it; someone who may only find it (and ask for access) gets
    the number, title, place, author and status, `can_read: false`, and nothing of the content."""

    category_code = serializers.CharField(source="category.code", read_only=True)
    category_label = serializers.CharField(source="category.get_kind_display", read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    opportunity_number = serializers.CharField(source="opportunity.number", read_only=True, default=None)
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    current_version = DocumentVersionSerializer(read_only=True)
    published_version = serializers.IntegerField(
        source="published_version.number", read_only=True, default=None
    )
    can_read = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "number",
            "title",
            "category",
            "category_code",
            "category_label",
            "customer",
            "customer_name",
            "opportunity",
            "opportunity_number",
            "team",
            "author",
            "author_name",
            "access_level",
            "status",
            "description",
            "valid_until",
            "named_readers",
            "current_version",
            "published_version",
            "submitted_at",
            "published_at",
            "archived_at",
            "archive_reason",
            "can_read",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _readable(self, obj) -> bool:
        readable = self.context.get("readable_ids")
        if readable is None:
            request = self.context.get("request")
            return bool(request) and Document.objects.visible_to(request.user).filter(pk=obj.pk).exists()
        return obj.pk in readable

    def get_can_read(self, obj) -> bool:
        return self._readable(obj)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not data["can_read"]:
            for key in RESTRICTED_HIDDEN:
                data[key] = None
        return data


class DocumentCreateSerializer(serializers.Serializer):
    """multipart/form-data: the file and the document's details. The file's type, size and
    content are checked by the service (same messages as the pages)."""

    title = serializers.CharField(max_length=200, allow_blank=True)
    category = serializers.PrimaryKeyRelatedField(queryset=DocumentCategory.objects.all())
    opportunity = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(), required=False, allow_null=True
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.none(), required=False, allow_null=True
    )
    file = serializers.FileField(allow_empty_file=True)
    access_level = serializers.ChoiceField(choices=AccessLevel.choices, default=AccessLevel.TEAM)
    named_readers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    valid_until = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    change_summary = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer
        from presales.opportunities.models import Opportunity

        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # choosing a project or customer one cannot see is "invalid pk", as for one that does not exist
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
            self.fields["customer"].queryset = Customer.objects.visible_to(user)


class DocumentUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class DocumentVersionCreateSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    change_summary = serializers.CharField(allow_blank=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    valid_until = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class DocumentStepSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class DocumentReviewSerializer(DocumentStepSerializer):
    final_mode = serializers.ChoiceField(
        choices=FinalMode.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Final step only: a leader alone, or a cross-department meeting.",
    )
    participants = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
        help_text="Final step by meeting: who took part (at least two people from two teams).",
    )


class DocumentAccessLevelSerializer(serializers.Serializer):
    access_level = serializers.ChoiceField(choices=AccessLevel.choices)
    named_readers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )
    version = serializers.IntegerField(required=False, help_text="Or send If-Match with the ETag.")


class DocumentAccessRequestCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class DocumentAccessDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("grant", "grant"), ("refuse", "refuse")])
    until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Grant: the last day of access (default: the configured grant length).",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentAccessRequestSerializer(serializers.ModelSerializer):
    document_number = serializers.CharField(source="document.number", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    requester_name = serializers.CharField(source="requester.__str__", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.__str__", read_only=True, default=None)
    active = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "document",
            "document_number",
            "document_title",
            "requester",
            "requester_name",
            "reason",
            "status",
            "requested_at",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "expires_at",
            "active",
        ]
        read_only_fields = fields

    def get_active(self, obj) -> bool:
        from django.utils import timezone

        return obj.is_active_grant(timezone.now())


class DocumentEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.__str__", read_only=True, default=None)
    version_number = serializers.IntegerField(source="version.number", read_only=True, default=None)
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DocumentEvent
        fields = [
            "id",
            "action",
            "step",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "at",
            "comment",
            "final_mode",
            "participants",
            "version_number",
        ]
        read_only_fields = fields


class DocumentDiffRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class DocumentDiffSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    against = serializers.IntegerField()
    changes = DocumentDiffRowSerializer(many=True)


class DocumentDownloadLogSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)

    class Meta:
        model = DownloadLog
        fields = ["id", "user", "user_name", "version_number", "at", "inline"]
        read_only_fields = fields
