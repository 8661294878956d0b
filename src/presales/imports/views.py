"""CRM import pages: the list of imports, upload, column mapping, the job page (preview with
per-row errors, progress while running, confirm or cancel), the error report and the templates.
Only managers and team leads reach them (403 for others); a job someone else uploaded is 404
for a team lead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from presales.core.errors import DomainError
from presales.core.exports import xlsx_response
from presales.core.views import attach_domain_error

from . import permissions, services
from .choices import ImportKind, JobStatus, RowOutcome
from .forms import ConfirmForm, MappingForm, UploadForm
from .models import CrmSource, ImportJob


class ImportAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not permissions.can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class JobMixin(ImportAccessMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and permissions.can_import(request.user):
            self.job = get_object_or_404(
                ImportJob.objects.visible_to(request.user).select_related("source", "created_by"),
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)


class ImportListView(ImportAccessMixin, ListView):
    template_name = "imports/list.html"
    paginate_by = 25
    context_object_name = "jobs"

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related("source", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kinds"] = ImportKind.choices
        return ctx


class ImportUploadView(ImportAccessMixin, FormView):
    template_name = "imports/upload.html"
    form_class = UploadForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sources"] = list(CrmSource.objects.values_list("name", flat=True)[:50])
        ctx["kinds"] = ImportKind.choices
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            self.job = services.import_job_create(
                actor=self.request.user,
                kind=form.cleaned_data["kind"],
                source_name=form.cleaned_data["source"],
                file_name=upload.name,
                content=upload.read(),
            )
        except DomainError as exc:
            attach_domain_error(form, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("imports:mapping", args=[self.job.pk]))


class ImportMappingView(JobMixin, FormView):
    template_name = "imports/mapping.html"
    form_class = MappingForm

    def get_form_kwargs(self):
        from presales.accounts.models import User

        kwargs = super().get_form_kwargs()
        users = list(User.objects.filter(is_active=True).prefetch_related("roles").order_by("username"))
        for user in users:
            user.__dict__["role_codes"] = frozenset(r.code for r in user.roles.all())
        kwargs.update(job=self.job, users=users)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["job"] = self.job
        return ctx

    def form_valid(self, form):
        try:
            services.import_job_map(actor=self.request.user, job=self.job, **form.mapping())
        except DomainError as exc:
            for messages_ in (exc.errors or {"__all__": [exc.message]}).values():
                for message in messages_:
                    form.add_error(None, message)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.job.get_absolute_url())


class ImportDetailView(JobMixin, TemplateView):
    template_name = "imports/detail.html"
    rows_per_page = 50

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        job = self.job
        outcome = self.request.GET.get("outcome", "")
        rows = job.rows.all()
        if outcome in RowOutcome.values:
            rows = rows.filter(outcome=outcome)
        page = Paginator(rows.order_by("row"), self.rows_per_page).get_page(self.request.GET.get("page"))
        ctx.update(
            job=job,
            page_obj=page,
            rows=page.object_list,
            outcome=outcome,
            outcomes=RowOutcome.choices,
            progress=services.progress_of(job),
            confirm_form=ConfirmForm(),
            may_act=permissions.can_act_on_job(self.request.user, job),
            record_url=_record_url_name(job.kind),
            can_confirm=job.status == JobStatus.PREVIEWED,
            can_cancel=job.status
            in (JobStatus.UPLOADED, JobStatus.PREVIEWED, JobStatus.REFUSED, JobStatus.FAILED),
            can_remap=job.status
            in (JobStatus.UPLOADED, JobStatus.PREVIEWED, JobStatus.REFUSED, JobStatus.FAILED),
        )
        return ctx


def _record_url_name(kind: str) -> str:
    return {
        ImportKind.CUSTOMERS: "customers:detail",
        ImportKind.CONTACTS: "",
        ImportKind.OPPORTUNITIES: "opportunities:detail",
    }[kind]


class ImportProgressView(JobMixin, TemplateView):
    """The progress bar, polled by htmx while the job runs; once it has finished, the page reloads."""

    template_name = "imports/partials/progress.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.job.is_running:
            response["HX-Refresh"] = "true"
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(job=self.job, progress=services.progress_of(self.job))
        return ctx


class ImportConfirmView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how bad rows are handled."))
            return HttpResponseRedirect(self.job.get_absolute_url())
        try:
            services.import_job_confirm(actor=request.user, job=self.job, mode=form.cleaned_data["mode"])
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from None
            messages.error(request, exc.message)
        return HttpResponseRedirect(self.job.get_absolute_url())


class ImportCancelView(JobMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            services.import_job_cancel(actor=request.user, job=self.job)
        except DomainError as exc:
            if exc.status_code == 403:
                raise PermissionDenied from None
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.job.get_absolute_url())
        messages.success(request, _("The import is cancelled: nothing was written."))
        return HttpResponseRedirect(reverse("imports:list"))


class ImportErrorReportView(JobMixin, View):
    def get(self, request, *args, **kwargs):
        content = services.error_report(self.job)
        stem = self.job.file_name.rsplit(".", 1)[0]
        return xlsx_response(content, _("%(file)s-errors.xlsx") % {"file": stem})


class ImportTemplateView(ImportAccessMixin, View):
    def get(self, request, kind, *args, **kwargs):
        if kind not in ImportKind.values:
            raise Http404
        label = str(ImportKind(kind).label)
        if request.GET.get("format") == "csv":
            response = HttpResponse(services.template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = _disposition(
                _("CRM import template - %(kind)s.csv") % {"kind": label}
            )
            return response
        return xlsx_response(
            services.template_workbook(kind), _("CRM import template - %(kind)s.xlsx") % {"kind": label}
        )


def _disposition(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
