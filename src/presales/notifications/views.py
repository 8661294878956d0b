from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .choices import Channel
from .forms import InboxFilterForm, PreferencesForm, TeamRobotForm
from .models import Delivery, Notification, TeamRobot
from .permissions import can_manage_robots
from .selectors import attach, inbox_groups, preferences_of
from .services import notification_mark_read, notification_open, preferences_update, robot_delete, robot_save


class InboxView(LoginRequiredMixin, TemplateView):
    """My notifications, one line per record, filtered by kind and unread."""

    template_name = "notifications/inbox.html"
    paginate_by = 30

    def get_context_data(self, **kwargs):
        form = InboxFilterForm(self.request.GET or None)
        event, unread = "", False
        if form.is_valid():
            event, unread = form.cleaned_data["event"], form.cleaned_data["unread"]
        paginator = Paginator(inbox_groups(self.request.user, event=event, unread=unread), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(form=form, page_obj=page, groups=attach(page.object_list), **kwargs)


class OpenView(LoginRequiredMixin, View):
    """Follow a notification's link; it and the others about the same record are marked read."""

    def get(self, request, pk):
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
        target = notification_open(user=request.user, notification=notification)
        if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("notifications:inbox")
        return HttpResponseRedirect(target)


class MarkReadView(LoginRequiredMixin, View):
    """POST: mark one (`id`) or all of my notifications read; follow the link if `next` is given."""

    def post(self, request):
        ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
        notification_mark_read(user=request.user, notification_ids=ids)
        target = request.POST.get("next", "")
        if not target.startswith("/") or target.startswith("//"):
            target = reverse("notifications:inbox")
        return HttpResponseRedirect(target)


class PreferencesView(LoginRequiredMixin, View):
    template_name = "notifications/preferences.html"

    def form(self, data=None):
        prefs, current = preferences_of(self.request.user)
        return PreferencesForm(
            data,
            current=current,
            initial={"language": prefs.language, "email_digest": prefs.email_digest},
        )

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(), "channels": Channel})

    def post(self, request):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "channels": Channel})
        preferences_update(
            user=request.user,
            language=form.cleaned_data["language"],
            email_digest=form.cleaned_data["email_digest"],
            enabled=form.enabled(),
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:preferences")


class RobotAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_robots(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RobotListView(RobotAccessMixin, TemplateView):
    """Managers: the teams' group robots and the latest deliveries with their outcome."""

    template_name = "notifications/robot_list.html"

    def get_context_data(self, **kwargs):
        robots = TeamRobot.objects.select_related("team").order_by("team__name", "name")
        deliveries = (
            Delivery.objects.filter(channel=Channel.ROBOT)
            .select_related("robot__team", "notification")
            .order_by("-created_at", "-pk")[:50]
        )
        return super().get_context_data(robots=robots, deliveries=deliveries, **kwargs)


class RobotEditView(RobotAccessMixin, View):
    template_name = "notifications/robot_form.html"

    def robot(self, pk):
        return get_object_or_404(TeamRobot, pk=pk) if pk else TeamRobot()

    def get(self, request, pk=None):
        robot = self.robot(pk)
        return render(request, self.template_name, {"form": TeamRobotForm(instance=robot), "robot": robot})

    def post(self, request, pk=None):
        robot = self.robot(pk)
        form = TeamRobotForm(request.POST, instance=robot)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "robot": robot})
        robot_save(actor=request.user, robot=form.save(commit=False))
        messages.success(request, _("The group robot was saved."))
        return redirect("notifications:robots")


class RobotDeleteView(RobotAccessMixin, View):
    def post(self, request, pk):
        robot = get_object_or_404(TeamRobot, pk=pk)
        robot_delete(actor=request.user, robot=robot)
        messages.success(request, _("The group robot was removed."))
        return redirect("notifications:robots")
