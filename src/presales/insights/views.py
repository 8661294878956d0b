from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView


class MyWorkView(LoginRequiredMixin, TemplateView):
    template_name = "insights/my_work.html"
