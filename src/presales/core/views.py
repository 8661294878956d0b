"""Thin-view bases. Every view that shows a business record starts from the model's
`visible_to(user)` scope (so a subclass cannot forget it): out of scope = 404. Actions check a
`can_<verb>` function: visible but not allowed = 403. Services do the writing; a DomainError from a
service becomes a field-level (or form-level) error on the same form, and nothing is saved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.views.generic import DetailView, FormView, ListView

from .errors import DomainError, TransitionRefused


class ScopedMixin(LoginRequiredMixin):
    """Restricts the queryset to what the user may see. Subclasses refine `get_queryset`
    by calling super()."""

    model = None

    def get_scoped_queryset(self):
        return self.model._default_manager.visible_to(self.request.user)

    def get_queryset(self):
        return self.get_scoped_queryset()


class ScopedListView(ScopedMixin, ListView):
    """A paginated, filtered list. With htmx, only the `#results` partial is rendered."""

    paginate_by = 25
    filterset_class = None
    # The columns the page prints (`QuerySet.only`), applied to the page of rows only, never to an
    # export: a list that select_related's whole customer, opportunity and user rows to print a
    # name or a number spends more time building those objects than rendering them. A row that
    # reads a column left out costs a query per row: tests/core/test_hot_paths.py pins the counts.
    list_only: tuple[str, ...] = ()

    def get_queryset(self):
        qs = super().get_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = (
                self.filterset.qs
                if self.filterset.is_bound and self.filterset.is_valid()
                else (qs if not self.filterset.is_bound else qs.none())
            )
        return qs

    def paginate_queryset(self, queryset, page_size):
        if self.list_only:
            queryset = queryset.only(*self.list_only)
        return super().paginate_queryset(queryset, page_size)

    def get_template_names(self):
        names = super().get_template_names()
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [f"{names[0]}#results"]
        return names

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = getattr(self, "filterset", None)
        return ctx


class ScopedDetailView(ScopedMixin, DetailView):
    pass


class ObjectPermissionMixin:
    """`permission_check(user, obj) -> bool` refuses with 403 when false (after the 404 scope)."""

    permission_check = None

    def check_object_permission(self, obj):
        check = type(self).permission_check
        if check is not None and not check(self.request.user, obj):
            raise PermissionDenied


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to a service (`perform`). A DomainError from the service
    becomes a form error; a TransitionRefused lists its reasons."""

    success_message = None

    def perform(self, form):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except DomainError as exc:
            attach_domain_error(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        self.result = result
        return HttpResponseRedirect(self.get_success_url())


class ScopedObjectFormView(ScopedMixin, ObjectPermissionMixin, ServiceFormView):
    """A form acting on one scoped record (edit, transition, assign...)."""

    context_object_name = "object"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        self.check_object_permission(self.object)
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        from django.shortcuts import get_object_or_404

        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        ctx[self.context_object_name] = self.object
        return ctx

    def get_success_url(self):
        return self.object.get_absolute_url()


def attach_domain_error(form, exc: DomainError) -> None:
    placed = False
    for field, errors in (exc.errors or {}).items():
        for error in errors:
            if field in form.fields:
                form.add_error(field, error)
                placed = True
    if not placed:
        form.add_error(None, exc.message)
    if isinstance(exc, TransitionRefused):
        for reason in exc.reasons:
            form.add_error(None, reason)


class FormPageMixin:
    """Context for core/form_page.html: title, intro, submit label and where "back" goes (the
    page's object, or the app's list named by `list_url_name`)."""

    template_name = "core/form_page.html"
    page_title = ""
    submit_label = None
    intro = None
    list_url_name: str | None = None

    def get_back_url(self):
        from django.urls import reverse

        obj = getattr(self, "object", None)
        if obj is not None:
            return obj.get_absolute_url()
        return reverse(self.list_url_name) if self.list_url_name else None

    def get_intro(self):
        return self.intro

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            title=self.page_title,
            back_url=self.get_back_url(),
            submit_label=self.submit_label,
            intro=self.get_intro(),
        )
        return ctx


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: a styled, translated page with a way back instead of Django's bare one."""
    from django.http import HttpResponseForbidden
    from django.template.loader import render_to_string

    return HttpResponseForbidden(render_to_string("403_csrf.html", {"reason": reason}))
