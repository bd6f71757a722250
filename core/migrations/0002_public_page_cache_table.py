from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # The public pages' cache (settings.CACHES["public_pages"]) has its own table; createcachetable makes every
    # configured table that is missing and leaves the others alone.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_kept_form"), ("directory", "0002_cache_table")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
