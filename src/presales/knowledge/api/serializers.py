from django.utils.translation import gettext as _
from rest_framework import serializers

from presales.customers.choices import Industry
from presales.opportunities.models import Opportunity
from presales.solutions.models import Solution

from ..choices import AccessLevel, ArticleKind
from ..models import Article, Citation
from ..rendering import render_markdown


class ArticleListSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "kind", "title", "industry", "product_line", "tags", "status", "access_level",
                  "owner", "owner_name", "published_at", "updated_at", "version"]
        read_only_fields = fields

    def get_tags(self, obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ArticleSerializer(ArticleListSerializer):
    """Read: the article, its Markdown source and the sanitised HTML."""

    body_html = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "body", "body_html", "customer", "opportunity", "poc",
                  "solution", "attachments", "team", "reviewer", "retired_at", "created_at"]
        read_only_fields = fields

    def get_body_html(self, obj) -> str:
        return render_markdown(obj.body)


class ArticleWriteSerializer(serializers.ModelSerializer):
    """Write: what the author decides. Owner, team, status, reviewer and the index are the
    services' business. Linked records must be visible to the writer."""

    kind = serializers.ChoiceField(choices=ArticleKind.choices)
    industry = serializers.ChoiceField(choices=Industry.choices, required=False, allow_blank=True)
    access_level = serializers.ChoiceField(choices=AccessLevel.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=12)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)

    class Meta:
        model = Article
        fields = ["kind", "title", "body", "industry", "product_line", "tags", "access_level",
                  "customer", "opportunity", "poc", "solution", "attachments"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer
        from presales.documents.models import Document
        from presales.opportunities.models import Opportunity
        from presales.poc.models import Poc
        from presales.solutions.models import Solution

        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            user = request.user
            self.fields["customer"].queryset = Customer.objects.visible_to(user)
            self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
            self.fields["poc"].queryset = Poc.objects.visible_to(user)
            self.fields["solution"].queryset = Solution.objects.visible_to(user)
            self.fields["attachments"].child_relation.queryset = Document.objects.visible_to(user)
        self.fields["attachments"].required = False


class PublishSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField()
    version = serializers.IntegerField(required=False)


class CiteSerializer(serializers.Serializer):
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.none(), required=False, allow_null=True)
    solution = serializers.PrimaryKeyRelatedField(queryset=Solution.objects.none(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)
        self.fields["solution"].queryset = Solution.objects.visible_to(user)

    def validate(self, attrs):
        if (attrs.get("opportunity") is None) == (attrs.get("solution") is None):
            raise serializers.ValidationError({"opportunity": [_("Name either an opportunity or a solution.")]})
        return attrs


class CitationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Citation
        fields = ["id", "article", "opportunity", "solution", "cited_by", "note", "created_at"]
        read_only_fields = fields


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    kind = serializers.CharField(source="article.kind")
    title = serializers.CharField(source="article.title")
    industry = serializers.CharField(source="article.industry")
    tags = serializers.ListField(child=serializers.CharField(), help_text="Tag names, in alphabetical order.")
    published_at = serializers.DateTimeField(source="article.published_at")
    rank = serializers.FloatField()
    snippet = serializers.CharField(help_text="Escaped HTML with the matched words in <mark>.")


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField()
    terms = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    partial = serializers.BooleanField(
        help_text="True when no article contains every word: the results contain some of them.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = SearchHitSerializer(many=True, source="hits")


class SimilarCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="article.pk")
    kind = serializers.CharField(source="article.kind")
    title = serializers.CharField(source="article.title")
    industry = serializers.CharField(source="article.industry")
    score = serializers.FloatField()
    terms = serializers.ListField(child=serializers.CharField(), help_text="The matched words (the reason).")


# --- solution-outline drafting ------------------------------------------------------------------------


class OutlineRequestSerializer(serializers.Serializer):
    opportunity = serializers.PrimaryKeyRelatedField(queryset=Opportunity.objects.none())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = request.user if request is not None else None
        self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user)


class OutlinePassageSerializer(serializers.Serializer):
    article = serializers.IntegerField(source="source.article_id")
    article_title = serializers.CharField(source="source.title")
    heading = serializers.CharField()
    text = serializers.CharField()


class OutlineSectionSerializer(serializers.Serializer):
    code = serializers.CharField(source="spec.code")
    title = serializers.CharField(source="spec.title")
    required = serializers.BooleanField(source="spec.required")
    requirements = serializers.SerializerMethodField(help_text="The codes (REQ-001…) of the items it answers.")
    passages = OutlinePassageSerializer(many=True, source="reused")
    content = serializers.CharField()

    def get_requirements(self, section) -> list[str]:
        return [r.code for r in section.requirements]


class OutlineResultSerializer(serializers.Serializer):
    solution = serializers.SerializerMethodField()
    sections = OutlineSectionSerializer(many=True, source="draft.sections")
    sources = serializers.SerializerMethodField(help_text="The cited articles.")
    warnings = serializers.ListField(child=serializers.CharField())

    def get_solution(self, result) -> dict:
        from presales.solutions.api.serializers import SolutionSerializer

        return SolutionSerializer(result.solution, context=self.context).data

    def get_sources(self, result) -> list[dict]:
        return [{"id": s.article_id, "title": s.title, "kind": s.kind} for s in result.draft.sources]
