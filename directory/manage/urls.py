from django.urls import path

from directory.manage import views

app_name = "manage"

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
    path("phones/", views.phone_list, name="phone_list"),
    path("phones/new/", views.phone_create, name="phone_create"),
    path("phones/<uuid:pk>/edit/", views.phone_edit, name="phone_edit"),
    path("phones/<uuid:pk>/delete/", views.phone_delete, name="phone_delete"),
    path("text-alerts/", views.text_alert_list, name="text_alert_list"),
    path("text-alerts/new/", views.text_alert_create, name="text_alert_create"),
    path("text-alerts/<uuid:pk>/edit/", views.text_alert_edit, name="text_alert_edit"),
    path("text-alerts/<uuid:pk>/delete/", views.text_alert_delete, name="text_alert_delete"),
    path("resources/", views.resource_list, name="resource_list"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<uuid:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("resources/<uuid:pk>/delete/", views.resource_delete, name="resource_delete"),
]
