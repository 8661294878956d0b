"""Document pages. Thin: scope, form, service, redirect. Content (versions, files) comes from the
readable scope; the list and the detail page from the findable scope, where a document the user
may not read shows only its number and title and a way to ask for access."""

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.generic import TemplateView

from presales.core.exports import Column, XlsxListExport, choice_label
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView
from presales.customers.models import Customer
from presales.opportunities.models import Opportunity

from . import filetypes, metadata, permissions, selectors, services
from .choices import AccessRequestStatus, DocumentStatus, ReviewDecision
from .filtersets import AccessRequestFilterSet, DocumentFilterSet
from .forms import (
    AccessForm,
    AccessRequestForm,
    ArchiveForm,
    DecideForm,
    DocumentCreateForm,
    DocumentEditForm,
    ReviewForm,
    SubmitForm,
    VersionForm,
)
from .models import AccessRequest, Document
from .responses import serve_version


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "documents:list"


class DocumentListView(XlsxListExport, ScopedListView):
    export_title = _("Documents")
    export_select_related = ("team",)
    export_columns = [
        Column(_("Number"), "number", width=18),
        Column(_("Title"), "title", width=30),
        Column(_("Category"), "category", width=16),
        Column(_("Customer"), "customer", width=26),
        Column(_("Opportunity"), "opportunity.number", width=16),
        Column(_("Author"), "author", width=12),
        Column(_("Access level"), choice_label("access_level"), width=12),
        Column(_("Status"), choice_label("status"), width=10),
        Column(_("Valid until"), "valid_until", "date", 12),
        Column(_("Created at"), "created_at", "datetime", 18),
        Column(_("Published at"), "published_at", "datetime", 18),
    ]

    model = Document
    filterset_class = DocumentFilterSet
    template_name = "documents/document_list.html"

    def get_scoped_queryset(self):
        return selectors.document_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        readable = selectors.readable_ids(user=self.request.user, documents=rows)
        for document in rows:
            document.readable = document.pk in readable
        ctx["object_list"] = rows
        ctx["can_create"] = permissions.can_create(self.request.user)
        return ctx


class DocumentCreateView(FormPageMixin, ServiceFormView):
    form_class = DocumentCreateForm
    page_title = _("New document")
    submit_label = _("Upload")
    success_message = _("Document created. Its number is shown at the top of the page.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        from presales.opportunities.models import Opportunity

        initial = {}
        opportunity = self.request.GET.get("opportunity", "")
        if opportunity.isdigit():
            found = Opportunity.objects.visible_to(self.request.user).filter(pk=int(opportunity)).first()
            if found is not None:
                initial["opportunity"] = found.number
        if self.request.GET.get("customer", "").isdigit():
            initial["customer"] = int(self.request.GET["customer"])
        return initial

    def perform(self, form):
        self.object = services.document_create(actor=self.request.user, **form.cleaned_data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class DocumentDetailView(ScopedDetailView):
    model = Document
    template_name = "documents/document_detail.html"

    def get_scoped_queryset(self):
        return selectors.detail_queryset(user=self.request.user, readable=False)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, document = self.request.user, self.object
        readable = Document.objects.visible_to(user).filter(pk=document.pk).exists()
        ctx["readable"] = readable
        if not readable:
            ctx["my_request"] = (
                AccessRequest.objects.filter(document=document, requester=user)
                .order_by("-requested_at", "-pk")
                .first()
            )
            return ctx
        ctx.update(selectors.document_detail_context(document=document, user=user))
        current = document.current_version
        ctx["previewable"] = current is not None and filetypes.is_previewable(current.blob.file_type)
        ctx["steps"] = _steps(document)
        ctx.update(
            can_edit=permissions.can_edit(user, document),
            can_add_version=permissions.can_add_version(user, document),
            can_submit=permissions.can_submit(user, document),
            can_review=permissions.can_review(user, document),
            can_archive=permissions.can_archive(user, document),
            can_manage_access=permissions.can_manage_access(user, document),
            # A company-wide document may belong to a project the reader cannot open: its name is
            # shown, the link only where it leads somewhere.
            can_open_opportunity=document.opportunity_id is not None
            and Opportunity.objects.visible_to(user).filter(pk=document.opportunity_id).exists(),
            can_open_customer=Customer.objects.visible_to(user).filter(pk=document.customer_id).exists(),
        )
        return ctx


def _steps(document) -> list[dict]:
    """The category's approval chain with where the document stands (for the progress bar)."""
    from . import approval

    steps = approval.steps_for(document.category)
    current = approval.STATUS_STEP.get(document.status)
    index = steps.index(current) if current in steps else None
    done = document.status == DocumentStatus.PUBLISHED or (
        document.status == DocumentStatus.ARCHIVED and document.published_at is not None
    )
    rows = []
    for i, step in enumerate(steps):
        if done or (index is not None and i < index):
            state = "done"
        elif i == index:
            state = "current"
        else:
            state = "todo"
        rows.append({"label": approval.ReviewStep(step).label, "state": state})
    return rows


class ReadableDocumentMixin:
    """Actions on a document the user may read (404 otherwise), with its related rows."""

    model = Document

    def get_scoped_queryset(self):
        return selectors.detail_queryset(user=self.request.user)


class DocumentEditView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = DocumentEditForm
    permission_check = staticmethod(permissions.can_edit)
    success_message = _("Document saved.")

    @property
    def page_title(self):
        return _("Edit %(number)s") % {"number": self.object.number}

    def get_initial(self):
        d = self.object
        return {
            "title": d.title,
            "valid_until": d.valid_until,
            "description": d.description,
            "version": d.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.document_update(
            actor=self.request.user, document=self.object, expected_version=version, **data
        )


class VersionCreateView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = VersionForm
    permission_check = staticmethod(permissions.can_add_version)
    success_message = _("New version recorded.")
    submit_label = _("Upload")

    @property
    def page_title(self):
        return _("New version of %(number)s") % {"number": self.object.number}

    @property
    def intro(self):
        if self.object.status == DocumentStatus.PUBLISHED:
            return _(
                "The document is published: the new version makes it a draft again, to be approved before it "
                "is published."
            )
        return None

    def get_initial(self):
        d = self.object
        return {
            "title": d.title,
            "valid_until": d.valid_until,
            "description": d.description,
            "version": d.version,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.document_add_version(
            actor=self.request.user, document=self.object, expected_version=version, **data
        )


class VersionDetailView(LoginRequiredMixin, TemplateView):
    """One version: its metadata, an inline preview (PDF, images), and what changed since another
    version (the previous one by default, `?against=<n>` for any other)."""

    template_name = "documents/version_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        document = get_object_or_404(selectors.detail_queryset(user=self.request.user), pk=self.kwargs["pk"])
        version = selectors.version_of(document=document, number=self.kwargs["number"])
        against_raw = self.request.GET.get("against", "")
        against_number = int(against_raw) if against_raw.isdigit() else version.number - 1
        other = None
        if against_number and against_number != version.number:
            other = document.versions.select_related("author", "blob").filter(number=against_number).first()
        numbers = list(document.versions.order_by("-number").values_list("number", flat=True))
        ctx.update(
            document=document,
            version=version,
            other=other,
            numbers=numbers,
            rows=metadata.rows(version.metadata),
            changes=metadata.diff(other.metadata, version.metadata) if other is not None else None,
            previewable=filetypes.is_previewable(version.blob.file_type),
        )
        return ctx


class VersionFileView(LoginRequiredMixin, View):
    inline = False

    def get(self, request, pk, number):
        document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
        version = selectors.version_of(document=document, number=number)
        return serve_version(user=request.user, document=document, version=version, inline=self.inline)


class DownloadView(VersionFileView):
    inline = False


@method_decorator(xframe_options_sameorigin, name="dispatch")
@method_decorator(csp_replace({"frame-ancestors": [SELF]}), name="dispatch")
class PreviewView(VersionFileView):
    """The file shown in the browser (PDF and images), framed by the document and version pages:
    the one response our own pages may frame (X-Frame-Options and CSP frame-ancestors: same origin;
    every other page: none)."""

    inline = True


class SubmitView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = SubmitForm
    permission_check = staticmethod(permissions.can_submit)
    page_title = _("Submit for approval")
    submit_label = _("Submit")
    success_message = _("Submitted for approval.")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.document_submit(
            actor=self.request.user,
            document=self.object,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data.get("version"),
        )


class ReviewView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = ReviewForm
    permission_check = staticmethod(permissions.can_review)
    submit_label = _("Record the decision")

    @property
    def page_title(self):
        return _("Review %(number)s: %(step)s") % {
            "number": self.object.number,
            "step": self.object.get_status_display(),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "final": self.object.status == DocumentStatus.FINAL_REVIEW}

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        data = form.cleaned_data
        kwargs = dict(
            actor=self.request.user,
            document=self.object,
            comment=data["comment"],
            final_mode=data.get("final_mode", ""),
            participants=data.get("participants") or (),
            expected_version=data.get("version"),
        )
        if data["decision"] == ReviewDecision.APPROVE:
            result = services.document_approve(**kwargs)
            messages.success(
                self.request,
                _("Approved: the document is now “%(status)s”.") % {"status": result.get_status_display()},
            )
        else:
            result = services.document_return(**kwargs)
            messages.success(self.request, _("Returned to the author."))
        return result


class ArchiveView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = ArchiveForm
    permission_check = staticmethod(permissions.can_archive)
    page_title = _("Archive the document")
    submit_label = _("Archive")
    intro = _("An archived document is read-only. It stays findable and readable by the same people.")
    success_message = _("Document archived.")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.document_archive(
            actor=self.request.user,
            document=self.object,
            comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data.get("version"),
        )


class AccessView(FormPageMixin, ReadableDocumentMixin, ScopedObjectFormView):
    form_class = AccessForm
    permission_check = staticmethod(permissions.can_manage_access)
    page_title = _("Who may read it")
    success_message = _("Access saved.")

    def get_initial(self):
        d = self.object
        return {
            "access_level": d.access_level,
            "named_readers": list(d.named_readers.all()),
            "version": d.version,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.document_set_access(
            actor=self.request.user,
            document=self.object,
            access_level=data["access_level"],
            named_readers=data["named_readers"],
            expected_version=data.get("version"),
        )


class RequestAccessView(FormPageMixin, ScopedObjectFormView):
    """Ask for access to a document one may find but not read."""

    model = Document
    form_class = AccessRequestForm
    page_title = _("Ask for access")
    submit_label = _("Send the request")
    success_message = _("Request sent. You will be told of the decision.")

    def get_scoped_queryset(self):
        return selectors.detail_queryset(user=self.request.user, readable=False)

    @property
    def intro(self):
        return _(
            "%(number)s %(title)s is read by its project team. Say why you need it; the people responsible "
            "for it grant access for a limited time or refuse."
        ) % {"number": self.object.number, "title": self.object.title}

    def check_object_permission(self, obj):
        if Document.objects.visible_to(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied

    def perform(self, form):
        return services.access_request_create(
            actor=self.request.user, document=self.object, reason=form.cleaned_data["reason"]
        )


class AccessRequestListView(ScopedListView):
    model = AccessRequest
    filterset_class = AccessRequestFilterSet
    template_name = "documents/access_request_list.html"

    def get_scoped_queryset(self):
        return selectors.access_request_list(user=self.request.user)

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET:
            qs = qs.filter(status=AccessRequestStatus.PENDING)
        return qs

    def get_context_data(self, **kwargs):
        from django.utils import timezone

        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        if ctx.get("page_obj") is not None:
            ctx["page_obj"].object_list = rows
        now = timezone.now()
        for r in rows:
            r.can_decide = permissions.can_decide_request(self.request.user, r)
            r.active = r.is_active_grant(now)
            r.expired = r.status == AccessRequestStatus.GRANTED and not r.active
        ctx["object_list"] = rows
        ctx["pending_only"] = not self.request.GET
        return ctx


class AccessRequestDecideView(FormPageMixin, ScopedObjectFormView):
    model = AccessRequest
    form_class = DecideForm
    permission_check = staticmethod(permissions.can_decide_request)
    page_title = _("Decide an access request")
    submit_label = _("Record the decision")
    success_message = _("Decision recorded; the requester is told.")

    def get_scoped_queryset(self):
        return selectors.access_request_list(user=self.request.user)

    def get_back_url(self):
        return reverse("documents:access_requests")

    @property
    def intro(self):
        r = self.object
        return _("%(name)s asks to read %(number)s %(title)s: “%(reason)s”") % {
            "name": r.requester,
            "number": r.document.number,
            "title": r.document.title,
            "reason": r.reason,
        }

    def get_initial(self):
        return {"decision": "grant", "until": services.default_grant_until()}

    def perform(self, form):
        data = form.cleaned_data
        return services.access_request_decide(
            actor=self.request.user,
            access_request=self.object,
            grant=data["decision"] == "grant",
            note=data["note"],
            until=data["until"],
        )

    def get_success_url(self):
        return reverse("documents:access_requests")
