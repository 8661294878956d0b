from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from presales.core.exports import export_filename, workbook_bytes, xlsx_response
from presales.support.permissions import can_submit

from . import dashboard, exports, selectors
from .forms import DEFAULT_DAYS, DashboardFilterForm
from .permissions import can_see_dashboard, landing_url_name


@login_required
def home(request):
    """`/` and the page after login: where each role starts its day."""
    return redirect(landing_url_name(request.user))


class MyWorkView(LoginRequiredMixin, TemplateView):
    """The engineer's day: requests assigned to me (SLA clocks, late ones first), what I asked for,
    my open opportunities, overdue customer issues, follow-ups due; for managers and team leads the
    team's workload. Every section is bounded and links to the full list."""

    template_name = "insights/my_work.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(selectors.my_work(user=user))
        ctx["can_submit"] = can_submit(user)
        return ctx


class DashboardView(LoginRequiredMixin, TemplateView):
    """The manager's cockpit: pipeline, conversion, workload, SLA, win rates, POC funnel, bids due,
    appraisal progress, early involvement, for a period and a team kept in the URL. Every figure
    links to the filtered list behind it; `?export=<panel>` downloads a panel as XLSX."""

    template_name = "insights/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_see_dashboard(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # The default period (the last 90 days) is written into the form, so the date fields show it.
        query = request.GET.copy()
        if not query.get("start") and not query.get("end"):
            end = timezone.localdate()
            query["start"], query["end"] = (end - timedelta(days=DEFAULT_DAYS - 1)).isoformat(), end.isoformat()
        form = DashboardFilterForm(query, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, panels=None))
        data = form.cleaned_data
        scope = dashboard.Scope(user=request.user, start=data["start"], end=data["end"], team=data["team"])
        panel = request.GET.get("export")
        if panel:
            return self.export(scope, panel)
        panels = dashboard.dashboard(scope)
        return self.render_to_response(self.get_context_data(form=form, panels=panels, scope=scope))

    def export(self, scope, panel):
        build, sheet = dashboard.PANELS.get(panel), exports.SHEETS.get(panel)
        if build is None or sheet is None:
            raise Http404
        worksheet = sheet(build(scope))
        content, _truncated = workbook_bytes([worksheet])
        team = scope.team.name if scope.team else _("All teams")
        title = f"{worksheet.title}-{team}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
        return xlsx_response(content, export_filename(title))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        panels = ctx.get("panels")
        query = self.request.GET.copy()
        query.pop("export", None)
        ctx["query"] = query.urlencode()
        if panels:
            ctx["charts"] = charts(panels)
        return ctx


def charts(panels) -> dict:
    """The series the static dashboard script draws (passed through json_script)."""
    sla = panels["sla"]
    poc = panels["poc"]
    return {
        "pipeline": {
            "labels": [r["label"] for r in panels["pipeline"]["rows"]],
            "counts": [r["count"] for r in panels["pipeline"]["rows"]],
            "amounts": [float(r["amount"]) for r in panels["pipeline"]["rows"]],
            "names": {"count": _("Opportunities"), "amount": _("Estimated amount (CNY)")},
        },
        "sla": {
            "labels": [w["week"].strftime("%m-%d") for w in sla["weeks"]],
            "met": [w["response_met"] for w in sla["weeks"]],
            "breached": [w["breached"] for w in sla["weeks"]],
            "names": {"met": _("Responded in time"), "breached": _("SLA breached")},
        },
        "poc": {
            "steps": [
                {"name": _("Launched"), "value": poc["launched"]},
                {"name": pgettext("POC funnel", "Started"), "value": poc["started"]},
                {"name": _("Passed"), "value": poc["passed"]},
                {"name": _("Excellent"), "value": poc["excellent"]},
            ],
        },
        "workload": {
            "labels": [r["engineer"] for r in panels["workload"]["rows"]],
            "series": [
                {"name": _("Open support requests"), "data": [r["open_requests"] for r in panels["workload"]["rows"]]},
                {"name": _("Open opportunities led"),
                 "data": [r["open_opportunities"] for r in panels["workload"]["rows"]]},
                {"name": _("Open POCs"), "data": [r["open_pocs"] for r in panels["workload"]["rows"]]},
                {"name": _("Bids due in 14 days"), "data": [r["bids_due"] for r in panels["workload"]["rows"]]},
            ],
        },
    }
