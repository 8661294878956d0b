from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from presales.support.permissions import can_submit

from . import selectors


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
