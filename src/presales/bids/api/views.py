"""The bid API: the same services, scope and rules as the pages."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from presales.core.api import ObjectJSONParser, WritableScopedViewSet, expected_version

from .. import permissions, selectors, services
from ..filtersets import (
    BidFilterSet,
    DeviationFilterSet,
    MeetingFilterSet,
    MilestoneFilterSet,
    ReviewItemFilterSet,
    SectionFilterSet,
)
from ..models import Bid, DeviationRow, Meeting, Milestone, ReviewItem, Section
from . import serializers as s


def _version(request):
    return expected_version(request)


class BidViewSet(WritableScopedViewSet):
    """Bids of the opportunities the caller may see, nearest deadline first; submission, receipt,
    result, the deviation table import and the generated files as actions."""

    model = Bid
    serializer_class = s.BidSerializer
    filterset_class = BidFilterSet
    ordering_fields = ["deadline", "number", "created_at"]

    def get_queryset(self):
        return selectors.bid_list(user=self.request.user)

    def create_object(self, data):
        return services.bid_create(actor=self.request.user, **data)

    def update_object(self, instance, data, version):
        data.pop("opportunity", None)
        return services.bid_update(actor=self.request.user, bid=instance, expected_version=version, **data)

    def _respond(self, bid):
        bid = self.get_queryset().get(pk=bid.pk)
        self._etag_object = bid
        return Response(s.BidSerializer(bid, context=self.get_serializer_context()).data)

    @extend_schema(responses=s.BidProblemsSerializer)
    @action(detail=True, methods=["get"], url_path="submission-check")
    def submission_check(self, request, pk=None):
        """Why the bid may not be submitted now (an empty list: it may)."""
        bid = self.get_object()
        return Response({"problems": [str(p) for p in services.submission_problems(bid)]})

    @extend_schema(request=s.BidSubmitSerializer, responses=s.BidSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Mark the bid submitted: 409 with the reasons while review items are open, deviations
        lack explanations, or the deadline has passed."""
        bid = self.get_object()
        serializer = s.BidSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bid = services.bid_submit(actor=request.user, bid=bid, method=data["method"], note=data["note"],
                                  expected_version=_version(request))
        return self._respond(bid)

    @extend_schema(request=s.BidWithdrawSerializer, responses=s.BidSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        bid = self.get_object()
        serializer = s.BidWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        bid = services.bid_withdraw(actor=request.user, bid=bid, reason=serializer.validated_data["reason"],
                                    expected_version=_version(request))
        return self._respond(bid)

    @extend_schema(request={"multipart/form-data": s.BidReceiptSerializer, "application/json": s.BidReceiptSerializer},
                   responses=s.BidSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, ObjectJSONParser])
    def receipt(self, request, pk=None):
        bid = self.get_object()
        serializer = s.BidReceiptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        bid = services.receipt_record(actor=request.user, bid=bid, receipt_number=data["receipt_number"],
                                      received_by=data["received_by"], received_at=data["received_at"],
                                      scan=data.get("scan"), expected_version=_version(request))
        return self._respond(bid)

    @extend_schema(request=s.BidResultSerializer, responses=s.BidSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        bid = self.get_object()
        serializer = s.BidResultSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        bid = services.result_record(actor=request.user, bid=bid, expected_version=_version(request), **data)
        return self._respond(bid)

    @extend_schema(request={"multipart/form-data": s.BidDeviationImportSerializer}, responses=s.BidDeviationImportResultSerializer)
    @action(detail=True, methods=["post"], url_path="deviation-import", parser_classes=[MultiPartParser, FormParser])
    def deviation_import(self, request, pk=None):
        """Replace the deviation table with an XLSX/CSV file: all or nothing, 400 with every row's
        problems under errors.file."""
        bid = self.get_object()
        serializer = s.BidDeviationImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        count = services.deviation_import(actor=request.user, bid=bid, file_name=upload.name, content=upload.read())
        return Response({"rows": count})

    @extend_schema(parameters=[OpenApiParameter("document", str, OpenApiParameter.PATH,
                                                enum=["deviation_table", "bid_summary"])],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"export/(?P<document>[a-z_]+)")
    def export(self, request, pk=None, document=None):
        """Generate the deviation table (XLSX) or the bid summary (DOCX), archive it as a registered
        document, and return the file."""
        bid = self.get_object()
        makers = {"deviation_table": (services.deviation_table_archive, "xlsx"),
                  "bid_summary": (services.bid_summary_archive, "docx")}
        if document not in makers:
            raise NotFound()
        if not permissions.can_work_on(request.user, bid):
            raise ApiPermissionDenied()
        make, extension = makers[document]
        content, _document = make(actor=request.user, bid=bid)
        response = HttpResponse(content, content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{bid.number}-{document}.{extension}"'
        return response


class ChildViewSet(WritableScopedViewSet):
    create_service = None
    update_service = None
    target = ""
    select_related_fields = ("bid",)

    def get_queryset(self):
        return super().get_queryset().order_by("bid_id", "pk")

    def create_object(self, data):
        bid = data.pop("bid")
        if not Bid.objects.visible_to(self.request.user).filter(pk=bid.pk).exists():
            raise NotFound()
        return type(self).create_service(actor=self.request.user, bid=bid, **data)

    def update_object(self, instance, data, version):
        data.pop("bid", None)
        return type(self).update_service(actor=self.request.user, expected_version=version,
                                         **{self.target: instance}, **data)


class SectionViewSet(ChildViewSet):
    model = Section
    serializer_class = s.BidSectionSerializer
    filterset_class = SectionFilterSet
    select_related_fields = ("bid", "owner")
    create_service = staticmethod(services.section_create)
    update_service = staticmethod(services.section_update)
    target = "section"

    def create_object(self, data):
        data.pop("done", None)
        return super().create_object(data)


class MilestoneViewSet(ChildViewSet):
    model = Milestone
    serializer_class = s.BidMilestoneSerializer
    filterset_class = MilestoneFilterSet
    create_service = staticmethod(services.milestone_create)
    update_service = staticmethod(services.milestone_update)
    target = "milestone"

    def create_object(self, data):
        data.pop("done", None)
        return super().create_object(data)


class MeetingViewSet(ChildViewSet):
    model = Meeting
    serializer_class = s.BidMeetingSerializer
    filterset_class = MeetingFilterSet
    create_service = staticmethod(services.meeting_create)
    update_service = staticmethod(services.meeting_update)
    target = "meeting"


class DeviationViewSet(ChildViewSet):
    model = DeviationRow
    serializer_class = s.BidDeviationSerializer
    filterset_class = DeviationFilterSet
    create_service = staticmethod(services.deviation_create)
    update_service = staticmethod(services.deviation_update)
    target = "row"

    def get_queryset(self):
        return super().get_queryset().order_by("bid_id", "item_no", "pk")


class ReviewItemViewSet(ChildViewSet):
    model = ReviewItem
    serializer_class = s.BidReviewItemSerializer
    filterset_class = ReviewItemFilterSet
    select_related_fields = ("bid", "checked_by")
    create_service = staticmethod(services.review_item_create)
    update_service = staticmethod(services.review_item_update)
    target = "item"

    def create_object(self, data):
        data.pop("checked", None)
        return super().create_object(data)
