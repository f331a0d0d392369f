"""Public pages. Every view reads through the models' public() querysets."""

from django.urls import path

from cases import browse, cite, maps, views

app_name = "cases"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/export.csv", views.SearchExportView.as_view(), name="search-export"),
    path("search/map.json", maps.SearchMapView.as_view(), name="search-map"),
    path("incidents/", browse.IncidentListView.as_view(), name="incident-list"),
    path("actions/", browse.ActionListView.as_view(), name="action-list"),
    path("actors/", browse.ActorListView.as_view(), name="actor-list"),
    path("sources/", browse.SourceListView.as_view(), name="source-list"),
    path("states/", browse.StateListView.as_view(), name="state-list"),
    path("about/", browse.AboutView.as_view(), name="about"),
    path("incidents/<int:pk>/", views.IncidentDetailView.as_view(), name="incident-detail"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actors/<int:pk>/", views.ActorDetailView.as_view(), name="actor-detail"),
    path("law/", views.InstrumentListView.as_view(), name="instrument-list"),
    path("law/<slug:slug>/", views.InstrumentDetailView.as_view(), name="instrument-detail"),
    path("provisions/<int:pk>/", views.ProvisionDetailView.as_view(), name="provision-detail"),
    # A code is two letters: anything else (a NUL byte) must not reach the query.
    path("states/<slug:code>/", views.StateDetailView.as_view(), name="state-detail"),
    path("categories/", views.CategoryListView.as_view(), name="category-list"),
    path("categories/<slug:slug>/", views.CategoryDetailView.as_view(), name="category-detail"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("robots.txt", views.robots, name="robots"),
    *cite.urlpatterns(),
]
