"""Cases are not in the Django admin: who may see a case is the policy module's decision, and the admin has no such
rule (and administrators see no case details at all). Only the benchmark (BENCHMARK_VIEWS, scripts/bench.py)
registers a read-only changelist of referrals, so that the case list can be measured against the admin's on the same
rows and filters."""

from django.conf import settings
from django.contrib import admin

from referrals.models import Referral


class ReferralBenchAdmin(admin.ModelAdmin):
    """The admin's changelist as Django draws it: plain columns, the case list's filters and order, 25 rows a page
    (the case list's PAGE_SIZE). Nothing can be added, changed or deleted through it."""

    list_display = ["reference", "status", "urgency", "created_at"]
    list_filter = ["status", "county", "needs__category", "needs__routings__organization"]
    ordering = ["-created_at"]
    list_per_page = 25
    # The rows link nowhere: a case's own page in the admin would show its contact details, outside the policy and
    # the access log.
    list_display_links = None

    def has_view_permission(self, request, obj=None):
        return obj is None and super().has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def register_for_benchmark(site: admin.AdminSite) -> None:
    site.register(Referral, ReferralBenchAdmin)


if settings.BENCHMARK_VIEWS:
    register_for_benchmark(admin.site)
