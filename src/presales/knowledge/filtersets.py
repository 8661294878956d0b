"""Filters of the article list, shared by the page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from presales.customers.choices import Industry

from .choices import AccessLevel, ArticleKind, ArticleStatus
from .models import Article


class ArticleFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title contains"), method="search", max_length=200)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ArticleKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ArticleStatus.choices)
    industry = django_filters.ChoiceFilter(label=_("Industry"), choices=Industry.choices)
    access_level = django_filters.ChoiceFilter(label=_("Access level"), choices=AccessLevel.choices)
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag", max_length=40)
    mine = django_filters.BooleanFilter(label=_("Only mine"), method="only_mine")

    class Meta:
        model = Article
        fields = ["q", "kind", "status", "industry", "access_level", "tag", "mine"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(product_line__icontains=value)) if value else queryset

    def filter_tag(self, queryset, name, value):
        value = value.strip().lower()
        return queryset.filter(tags__name=value) if value else queryset

    def only_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if not value or user is None:
            return queryset
        return queryset.filter(owner=user)
