"""Forms parse the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from presales.core.forms import DateInput, VersionedFormMixin
from presales.customers.choices import Industry

from .choices import ArticleKind
from .models import Article, Tag
from .search import MAX_QUERY


class ArticleForm(VersionedFormMixin, forms.ModelForm):
    """Write or edit an article. The record and attachment lists hold only what the writer sees."""

    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500,
        help_text=_("Separated by commas or spaces, e.g. BMS, 高温, 储能."),
    )

    class Meta:
        model = Article
        fields = ["kind", "title", "body", "industry", "product_line", "tags", "access_level",
                  "customer", "opportunity", "poc", "solution", "attachments"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16, "class": "font-monospace"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.customers.models import Customer
        from presales.documents.models import Document
        from presales.opportunities.models import Opportunity
        from presales.poc.models import Poc
        from presales.solutions.models import Solution

        self.fields["customer"].queryset = Customer.objects.visible_to(user).order_by("name")
        self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user).order_by("-created_at")
        self.fields["poc"].queryset = Poc.objects.visible_to(user).order_by("-created_at")
        self.fields["solution"].queryset = Solution.objects.visible_to(user).order_by("-created_at")
        self.fields["attachments"].queryset = Document.objects.visible_to(user).order_by("-created_at")
        self.fields["attachments"].required = False
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        # Model validation runs in the service; the form only parses the input.
        pass

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["attachments"] = list(data.get("attachments") or [])
        return data


class PublishForm(VersionedFormMixin, forms.Form):
    note = forms.CharField(label=_("Review note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RetireForm(VersionedFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("E.g. outdated product version, replaced by a newer article."))


class CiteForm(forms.Form):
    opportunity = forms.ModelChoiceField(label=_("Opportunity"), queryset=None,
                                         help_text=_("The opportunity that uses this article."))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.opportunities.models import Opportunity

        self.fields["opportunity"].queryset = Opportunity.objects.visible_to(user).order_by("-created_at")


def searchable(q: str) -> str:
    """A query must hold at least one searchable word: punctuation alone, or only words too common
    to search (的, 和, the…), would find nothing, so it is refused with the reason."""
    from . import segment

    if not segment.query_terms(q):
        raise forms.ValidationError(
            _("Nothing to search in “%(q)s”: type at least one word (punctuation and words such as 的、和 "
              "are not searched).") % {"q": q[:20]},
            code="no_terms",
        )
    return q


class SearchForm(forms.Form):
    """The search box and its filters, shared by the page and the API (unknown values → field errors)."""

    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY, strip=True,
                        error_messages={"required": _("Type what you are looking for.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ArticleKind.choices])
    industry = forms.ChoiceField(label=_("Industry"), required=False, choices=[("", _("All industries")), *Industry.choices])
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    published_from = forms.DateField(label=_("Published from"), required=False, widget=DateInput())
    published_to = forms.DateField(label=_("Published until"), required=False, widget=DateInput())
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)

    def clean_q(self):
        return searchable(self.cleaned_data["q"])

    def clean_tag(self):
        tag = (self.cleaned_data.get("tag") or "").strip().lower()
        if tag and not Tag.objects.filter(name=tag).exists():
            raise forms.ValidationError(_("There is no tag “%(tag)s”.") % {"tag": tag}, code="unknown_tag")
        return tag

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and end < start:
            self.add_error("published_to", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in ("kind", "industry", "tag", "published_from", "published_to")}


class GlobalSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=MAX_QUERY, strip=True,
                        error_messages={"required": _("Type what you are looking for.")})

    def clean_q(self):
        return searchable(self.cleaned_data["q"])


class OutlineForm(forms.Form):
    """Draft a solution outline: the opportunity (those the user may write a solution for) and an
    optional title."""

    opportunity = forms.ModelChoiceField(
        label=_("Opportunity"), queryset=None,
        help_text=_("Its requirement items must be confirmed by the customer (需求确认书)."),
        error_messages={"invalid_choice": _("Choose an open opportunity whose solution you may write.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional. By default: the opportunity's name, solution (first draft)."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from presales.solutions.selectors import writable_opportunities

        self.fields["opportunity"].queryset = writable_opportunities(user)
