from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("hub/", views.hub_report, name="hub"),
    path("hub.csv", views.hub_export, name="hub_export"),
    path("network/", views.network_report, name="network"),
    path("network.csv", views.network_export, name="network_export"),
    path("partner/", views.partner_report, name="partner"),
    path("partner.csv", views.partner_export, name="partner_export"),
]
