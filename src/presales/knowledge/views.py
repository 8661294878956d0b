"""Knowledge base pages. Thin: scope, form, service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from presales.core.errors import DomainError
from presales.core.views import FormPageMixin as BaseFormPageMixin
from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView

from . import permissions, selectors, services, similar
from .filtersets import ArticleFilterSet
from .forms import ArticleForm, CiteForm, GlobalSearchForm, OutlineForm, PublishForm, RetireForm, SearchForm
from .models import Article
from .search import global_search, search


class FormPageMixin(BaseFormPageMixin):
    list_url_name = "knowledge:list"


class ArticleListView(ScopedListView):
    model = Article
    filterset_class = ArticleFilterSet
    template_name = "knowledge/article_list.html"

    def get_scoped_queryset(self):
        return selectors.article_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create(self.request.user)
        ctx["search_form"] = SearchForm()
        return ctx


class ArticleDetailView(ScopedDetailView):
    model = Article
    template_name = "knowledge/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return selectors.detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(selectors.article_detail_context(article=self.object, user=self.request.user))
        v = {"version": self.object.version}
        ctx["publish_form"] = PublishForm(initial=v, auto_id="id_publish_%s")
        ctx["retire_form"] = RetireForm(initial=v, auto_id="id_retire_%s")
        if ctx["can_cite"]:
            ctx["cite_form"] = CiteForm(user=self.request.user, auto_id="id_cite_%s")
        return ctx


class ArticleCreateView(FormPageMixin, ServiceFormView):
    form_class = ArticleForm
    page_title = _("New knowledge article")
    submit_label = _("Save draft")
    intro = _("The article is a draft until the team's lead or a manager publishes it.")
    success_message = _("Draft saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind else {}

    def perform(self, form):
        self.object = services.article_create(actor=self.request.user, **form.service_data())
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class ArticleEditView(FormPageMixin, ScopedObjectFormView):
    model = Article
    form_class = ArticleForm
    permission_check = staticmethod(permissions.can_edit)
    submit_label = _("Save")
    success_message = _("Article saved.")

    @property
    def page_title(self):
        return _("Edit: %(title)s") % {"title": self.object.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.object}

    def perform(self, form):
        version = form.cleaned_data.get("version")
        self.object.refresh_from_db()
        return services.article_update(
            actor=self.request.user, article=self.object, expected_version=version, **form.service_data()
        )


class PublishView(FormPageMixin, ScopedObjectFormView):
    model = Article
    form_class = PublishForm
    permission_check = staticmethod(permissions.can_review)
    success_message = _("Article published.")
    submit_label = _("Publish")

    @property
    def page_title(self):
        return _("Publish: %(title)s") % {"title": self.object.title}

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.article_publish(
            actor=self.request.user, article=self.object, expected_version=form.cleaned_data.get("version"),
            note=form.cleaned_data["note"],
        )


class RetireView(FormPageMixin, ScopedObjectFormView):
    model = Article
    form_class = RetireForm
    permission_check = staticmethod(permissions.can_retire)
    success_message = _("Article retired.")
    submit_label = _("Retire")

    @property
    def page_title(self):
        return _("Retire: %(title)s") % {"title": self.object.title}

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        return services.article_retire(
            actor=self.request.user, article=self.object, expected_version=form.cleaned_data.get("version"),
            reason=form.cleaned_data["reason"],
        )


class CiteView(FormPageMixin, ScopedObjectFormView):
    model = Article
    form_class = CiteForm
    permission_check = staticmethod(permissions.can_cite)
    success_message = _("Citation recorded.")
    submit_label = _("Cite")

    @property
    def page_title(self):
        return _("Cite: %(title)s") % {"title": self.object.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        value = self.request.GET.get("opportunity", "")
        return {"opportunity": int(value)} if value.isdigit() else {}

    def perform(self, form):
        return services.citation_add(
            actor=self.request.user, article=self.object, opportunity=form.cleaned_data["opportunity"],
            note=form.cleaned_data["note"],
        )


@login_required
def search_page(request):
    """Full-text search of the knowledge base, ranked, with filters."""
    form = SearchForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        result = search(request.user, form.cleaned_data["q"], form.filters(), page=form.cleaned_data.get("page") or 1)
    return render(request, "knowledge/search.html", {"form": form, "result": result})


@login_required
def global_search_page(request):
    """The top bar's box: articles and, from the same page, customers, opportunities, POCs, documents."""
    form = GlobalSearchForm(request.GET or None)
    found = None
    if form.is_bound and form.is_valid():
        found = global_search(request.user, form.cleaned_data["q"])
    return render(request, "knowledge/global_search.html", {"form": form, "found": found})


# --- the loop: one click from a record to a prefilled draft ------------------------------------------


def _draft_view(request, make):
    if not permissions.can_draft_from(request.user):
        raise PermissionDenied
    try:
        article = make()
    except DomainError as exc:
        messages.error(request, exc.message)
        for reason in getattr(exc, "reasons", ()):
            messages.error(request, reason)
        return HttpResponseRedirect(request.META.get("HTTP_REFERER") or "/")
    messages.success(request, _("A draft was prepared from the record: complete it, then ask your lead to publish it."))
    return HttpResponseRedirect(article.get_absolute_url())


@login_required
@require_POST
def draft_from_retrospective(request, opportunity_pk):
    from presales.opportunities.models import Opportunity

    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_pk)
    return _draft_view(
        request, lambda: services.article_draft_from_retrospective(actor=request.user, opportunity=opportunity)
    )


@login_required
@require_POST
def draft_from_post_mortem(request, poc_pk):
    from presales.poc.models import Poc

    poc = get_object_or_404(Poc.objects.visible_to(request.user), pk=poc_pk)
    return _draft_view(request, lambda: services.article_draft_from_post_mortem(actor=request.user, poc=poc))


@login_required
@require_POST
def draft_from_solution(request, solution_pk):
    from presales.solutions.models import Solution

    solution = get_object_or_404(Solution.objects.visible_to(request.user), pk=solution_pk)
    return _draft_view(request, lambda: services.article_draft_from_solution(actor=request.user, solution=solution))


@login_required
def similar_cases_panel(request, opportunity_pk):
    """htmx: the similar-cases panel of an opportunity page."""
    from presales.opportunities.models import Opportunity

    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=opportunity_pk)
    matches = similar.similar_cases(opportunity, request.user, limit=5)
    return render(request, "knowledge/partials/similar_cases.html",
                  {"opportunity": opportunity, "matches": matches, "loaded": True})


# --- solution-outline drafting ------------------------------------------------------------------------


class OutlineDraftView(FormPageMixin, ServiceFormView):
    """起草方案大纲: choose the opportunity (or come from its page), get a drafted solution."""

    form_class = OutlineForm
    page_title = _("Draft a solution outline")
    submit_label = _("Draft the outline")
    intro = _("A first solution is drafted from the opportunity's confirmed requirement items, the section "
              "catalogue, the matching solution templates and similar cases; every reused passage cites its "
              "source article. It is an ordinary draft: edit it, assign the reviewers and submit it.")

    def dispatch(self, request, *args, **kwargs):
        from presales.solutions import permissions as solution_permissions

        if request.user.is_authenticated and not (
            solution_permissions.can_create_any(request.user) and permissions.can_create(request.user)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_back_url(self):
        from django.urls import reverse

        return reverse("solutions:list")

    def get_initial(self):
        value = self.request.GET.get("opportunity", "")
        return {"opportunity": int(value)} if value.isdigit() else {}

    def perform(self, form):
        result = services.outline_draft(actor=self.request.user, opportunity=form.cleaned_data["opportunity"],
                                        title=form.cleaned_data.get("title") or "")
        self.object = result.solution
        for warning in result.warnings:
            messages.warning(self.request, warning)
        self.success_message = _("Outline drafted: %(sections)s sections, %(sources)s knowledge articles cited. "
                                 "Edit it, assign the reviewers and submit it.") % {
            "sections": len(result.draft.sections), "sources": len(result.draft.sources)}
        return result.solution

    def get_success_url(self):
        return self.object.get_absolute_url()
