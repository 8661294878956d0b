"""Customer pages. Thin: scope, form, service, redirect."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from presales.core.views import ScopedDetailView, ScopedListView, ScopedObjectFormView, ServiceFormView

from . import permissions, selectors, services
from .filtersets import CustomerFilterSet
from .forms import ContactForm, CustomerForm, ReassignForm
from .models import Contact, Customer


class CustomerListView(ScopedListView):
    model = Customer
    filterset_class = CustomerFilterSet
    template_name = "customers/customer_list.html"

    def get_scoped_queryset(self):
        return selectors.customer_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = permissions.can_create_customer(self.request.user)
        return ctx


class CustomerDetailView(ScopedDetailView):
    model = Customer
    template_name = "customers/customer_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("presales_owner", "sales_owner", "team", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, customer = self.request.user, self.object
        ctx.update(selectors.customer_detail_context(customer=customer))
        ctx["can_edit"] = permissions.can_edit_customer(user, customer)
        ctx["can_reassign"] = permissions.can_reassign_customer(user, customer)
        ctx["can_contribute"] = permissions.can_contribute(user, customer)
        return ctx


class FormPageMixin:
    """Context for core/form_page.html."""

    template_name = "core/form_page.html"
    page_title = ""
    submit_label = None

    def get_back_url(self):
        obj = getattr(self, "object", None)
        return obj.get_absolute_url() if obj is not None else reverse("customers:list")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(title=self.page_title, back_url=self.get_back_url(), submit_label=self.submit_label)
        return ctx


class CustomerCreateView(FormPageMixin, ServiceFormView):
    form_class = CustomerForm
    page_title = _("New customer")
    success_message = _("Customer created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_customer(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"presales_owner": self.request.user if self.request.user.is_presales else None}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        assistants = data.pop("assistants", [])
        self.object = services.customer_create(actor=self.request.user, assistants=assistants, **data)
        return self.object

    def get_success_url(self):
        return self.object.get_absolute_url()


class CustomerUpdateView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = CustomerForm
    permission_check = staticmethod(permissions.can_edit_customer)
    success_message = _("Customer saved.")

    @property
    def page_title(self):
        return _("Edit %(name)s") % {"name": self.object}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["editing"] = True
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        assistants = data.pop("assistants", None)
        return services.customer_update(
            actor=self.request.user, customer=self.object, expected_version=version, assistants=assistants, **data
        )


class CustomerReassignView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = ReassignForm
    permission_check = staticmethod(permissions.can_reassign_customer)
    success_message = _("Owner changed.")
    page_title = _("Reassign owner")

    def get_initial(self):
        return {"version": self.object.version}

    def perform(self, form):
        data = form.cleaned_data
        return services.customer_reassign(
            actor=self.request.user, customer=self.object, kind=data["kind"], to_user=data["to_user"],
            reason=data["reason"], expected_version=data.get("version"),
        )


class ContactCreateView(FormPageMixin, ScopedObjectFormView):
    model = Customer
    form_class = ContactForm
    permission_check = staticmethod(permissions.can_contribute)
    success_message = _("Contact added.")
    page_title = _("New contact")

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("version", None)
        return services.contact_create(actor=self.request.user, customer=self.object, **data)


class ContactUpdateView(FormPageMixin, ScopedObjectFormView):
    model = Contact
    form_class = ContactForm
    success_message = _("Contact saved.")
    page_title = _("Edit contact")

    def check_object_permission(self, obj):
        if not permissions.can_contribute(self.request.user, obj.customer):
            raise PermissionDenied

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET":
            kwargs["instance"] = self.object
            kwargs["initial"] = {"version": self.object.version}
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return services.contact_update(actor=self.request.user, contact=self.object, expected_version=version, **data)
