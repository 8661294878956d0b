from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="list"),
    path("new/", views.ArticleCreateView.as_view(), name="create"),
    path("search/", views.search_page, name="search"),
    path("find/", views.global_search_page, name="global_search"),
    path("<int:pk>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ArticleEditView.as_view(), name="edit"),
    path("<int:pk>/publish/", views.PublishView.as_view(), name="publish"),
    path("<int:pk>/retire/", views.RetireView.as_view(), name="retire"),
    path("<int:pk>/cite/", views.CiteView.as_view(), name="cite"),
    path("from/retrospective/<int:opportunity_pk>/", views.draft_from_retrospective, name="from_retrospective"),
    path("from/poc/<int:poc_pk>/", views.draft_from_post_mortem, name="from_post_mortem"),
    path("from/solution/<int:solution_pk>/", views.draft_from_solution, name="from_solution"),
    path("similar/<int:opportunity_pk>/", views.similar_cases_panel, name="similar_cases"),
    path("outline/", views.OutlineDraftView.as_view(), name="draft_outline"),
]
