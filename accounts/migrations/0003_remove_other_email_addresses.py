"""Removes every allauth address that is not its account's sign-in address.

Before allauth's email page was closed, anyone signed in without a second factor could attach addresses to their
account (another staff member's included) without verifying them. allauth's password reset finds an account by any
of its addresses, so an address attached by someone holding an unlocked phone would still receive that account's
reset links. Only the sign-in address, which administrators change (accounts.services.account_change_email), stays.
"""

from django.db import migrations
from django.db.models import F


def remove_other_addresses(apps, schema_editor) -> None:
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailAddress.objects.exclude(email__iexact=F("user__email")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_email_change"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(remove_other_addresses, migrations.RunPython.noop)]
