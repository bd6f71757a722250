from django.urls import path

from directory.public import views as public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<slug:slug>/", public_views.county_help, name="county"),
    path("<slug:slug>/flyer/", public_views.county_flyer, name="flyer"),
]
