from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views import View
from django.views.generic import ListView, TemplateView

from .filtersets import PeopleFilterSet
from .forms import LoginForm
from .models import User
from .selectors import people_directory


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["demo_logins"] = demo_logins() if settings.PRESALES_DEMO else []
        ctx["oidc_enabled"] = settings.PRESALES_OIDC_ENABLED
        ctx["oidc_label"] = settings.PRESALES_OIDC_LOGIN_LABEL
        ctx["ldap_enabled"] = getattr(settings, "PRESALES_LDAP_ENABLED", False)
        ctx["sso_failed"] = self.request.GET.get("sso") == "failed"
        return ctx


class OIDCStartView(View):
    """Sign in with the company's OpenID Connect provider (mozilla-django-oidc's request view):
    404 while PRESALES_OIDC_ENABLED is off."""

    def get(self, request, *args, **kwargs):
        if not settings.PRESALES_OIDC_ENABLED:
            raise Http404
        from mozilla_django_oidc.views import OIDCAuthenticationRequestView

        return OIDCAuthenticationRequestView.as_view()(request)


class OIDCCallbackView(View):
    """Where the provider sends the browser back (the code flow's redirect URI)."""

    def get(self, request, *args, **kwargs):
        if not settings.PRESALES_OIDC_ENABLED:
            raise Http404
        from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

        return OIDCAuthenticationCallbackView.as_view()(request)


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, role, display name, password) of the demo company's logins that exist and are active."""
    from presales.demo.company import DEMO_PASSWORD, LOGINS

    names = [n for n, _ in LOGINS]
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    return [
        (name, role.label, users[name].display_name, DEMO_PASSWORD) for name, role in LOGINS if name in users
    ]


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/profile.html"


class PeopleListView(LoginRequiredMixin, ListView):
    """The company directory: every active colleague, their team, roles and level. Everyone who
    works in the system may see it (it is how a sales rep finds the presales owner)."""

    template_name = "accounts/people_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = PeopleFilterSet(self.request.GET or None, queryset=people_directory())
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filterset"] = self.filterset
        return ctx
