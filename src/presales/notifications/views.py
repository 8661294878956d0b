from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import ListView

from .models import Notification
from .services import notification_mark_read


class InboxView(LoginRequiredMixin, ListView):
    template_name = "notifications/inbox.html"
    paginate_by = 30

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)


class MarkReadView(LoginRequiredMixin, View):
    """POST: mark one (`id`) or all of my notifications read; follow the link if `next` is given."""

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
        notification_mark_read(user=request.user, notification_ids=ids)
        target = request.POST.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = reverse("notifications:inbox")
        return HttpResponseRedirect(target)
