from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from core import views as core_views
from referrals.views import lists as referral_lists

urlpatterns = [
    path("", referral_lists.my_work, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("language/", core_views.switch_language, name="switch_language"),
    path("language/<str:language>/", core_views.switch_language_link, name="switch_language_link"),
    # Before allauth's: its email page is closed (only administrators change an address, on the account page).
    path("accounts/email/", account_views.email_closed, name="account_email"),
    path("accounts/notifications/", account_views.notifications, name="account_notifications"),
    path("accounts/keepalive/", core_views.keepalive, name="keepalive"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("help/", include("directory.public.urls")),
    path("manage/users/", include("accounts.urls")),
    path("manage/tasks/", include("accounts.task_urls")),
    path("manage/", include("directory.manage.urls")),
    path("api/hsds/", include("directory.hsds.urls")),
    path("referrals/", include("referrals.urls")),
    path("reports/", include("reports.urls")),
]

if settings.BENCHMARK_VIEWS:
    urlpatterns.append(path("bench/", include("core.bench")))

# Standalone bilingual pages; a database failure becomes a 503 (core/error_pages.py).
handler400 = "core.error_pages.bad_request"
handler500 = "core.error_pages.server_error"
