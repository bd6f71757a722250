"""The public HSDS 3.0 API, mounted at /api/hsds/. Paths follow HSDS's openapi.json (no trailing slashes)."""

from django.urls import path, re_path

from directory.hsds import api as api_views

app_name = "api"

urlpatterns = [
    path("", api_views.index, name="index"),
    path("profile", api_views.profile, name="profile"),
    path("services", api_views.services, name="services"),
    path("services/<str:id>", api_views.service, name="service"),
    path("organizations", api_views.organizations, name="organizations"),
    path("organizations/<str:id>", api_views.organization, name="organization"),
    path("taxonomies", api_views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", api_views.taxonomy, name="taxonomy"),
    path("taxonomy_terms", api_views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", api_views.taxonomy_term, name="taxonomy_term"),
    re_path(r"^(?P<rest>.*)$", api_views.unknown, name="unknown"),
]
