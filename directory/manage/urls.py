from django.urls import URLPattern, path

from directory.manage import views

app_name = "manage"


def record_paths(prefix: str, kind: views.RecordKind) -> list[URLPattern]:
    """The list, add, edit and remove URLs of one kind of record, named after its `url_name`."""
    name = kind.url_name.removeprefix("manage:")
    return [
        path(f"{prefix}/", views.record_list, {"kind": kind}, name=f"{name}_list"),
        path(f"{prefix}/new/", views.record_create, {"kind": kind}, name=f"{name}_create"),
        path(f"{prefix}/<uuid:pk>/edit/", views.record_edit, {"kind": kind}, name=f"{name}_edit"),
        path(f"{prefix}/<uuid:pk>/delete/", views.record_delete, {"kind": kind}, name=f"{name}_delete"),
    ]


urlpatterns = [
    path("", views.index, name="index"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<slug:slug>/confirm/", views.organization_confirm, name="organization_confirm"),
    path("organizations/<slug:slug>/services/new/", views.service_create, name="organization_service_create"),
    path("services/", views.service_list, name="service_list"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<uuid:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<uuid:pk>/accepting/", views.service_accepting, name="service_accepting"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<uuid:pk>/", views.review_detail, name="review_detail"),
    path("reviews/<uuid:pk>/approve/", views.review_decide, {"approve": True}, name="review_approve"),
    path("reviews/<uuid:pk>/reject/", views.review_decide, {"approve": False}, name="review_reject"),
    *record_paths("phones", views.PHONES),
    *record_paths("text-alerts", views.TEXT_ALERTS),
    *record_paths("resources", views.RESOURCES),
]
