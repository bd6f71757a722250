from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from directory.models import Organization, User

# The Django admin signs in through allauth, so it gets the same rate limits and two-factor check.
# Wrapping the bound method on the one site instance is allauth's documented way; the stubs see a method.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_hub", "is_partner", "assured_date"]
    list_filter = ["is_hub", "is_partner"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "organization", "role", "is_active"]
    list_filter = ["role", "is_active", "organization"]
    search_fields = ["email", "display_name"]
    list_select_related = ["organization"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "preferred_language", "organization", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "organization", "role", "password1", "password2"]}),
    ]
