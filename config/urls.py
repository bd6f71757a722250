from django.contrib import admin
from django.urls import include, path

from directory import views as directory_views
from referrals import views as referral_views

urlpatterns = [
    path("", referral_views.my_work, name="home"),
    path("healthz", directory_views.healthz, name="healthz"),
    path("language/", directory_views.switch_language, name="switch_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("help/", include("directory.public_urls")),
    path("manage/", include("directory.manage_urls")),
    path("api/hsds/", include("directory.api_urls")),
    path("referrals/", include("referrals.urls")),
]
