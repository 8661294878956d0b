from django.urls import path

from . import views

app_name = "kpi"

urlpatterns = [
    path("", views.IndicatorListView.as_view(), name="indicator_list"),
    path("indicators/new/", views.IndicatorCreateView.as_view(), name="indicator_create"),
    path("indicators/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator_detail"),
    path("indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("indicators/<int:pk>/review/", views.IndicatorReviewView.as_view(), name="indicator_review"),
    path("indicators/<int:pk>/try/", views.IndicatorTryView.as_view(), name="indicator_try"),
    path("schemes/", views.SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", views.SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme_edit"),
    path("schemes/<int:pk>/weights/", views.SchemeWeightsView.as_view(), name="scheme_weights"),
    path("schemes/<int:pk>/items/add/", views.SchemeItemAddView.as_view(), name="scheme_item_add"),
    path("schemes/<int:pk>/items/<int:item_pk>/remove/", views.SchemeItemRemoveView.as_view(),
         name="scheme_item_remove"),
    path("schemes/<int:pk>/activate/", views.SchemeMoveView.as_view(action="activate"), name="scheme_activate"),
    path("schemes/<int:pk>/retire/", views.SchemeMoveView.as_view(action="retire"), name="scheme_retire"),
    path("schemes/<int:pk>/copy/", views.SchemeCopyView.as_view(), name="scheme_copy"),
    path("schemes/<int:pk>/ahp/", views.SchemeAhpView.as_view(), name="scheme_ahp"),
]
