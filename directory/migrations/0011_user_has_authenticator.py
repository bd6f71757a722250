from django.db import migrations, models


def set_from_authenticators(apps, schema_editor):
    User = apps.get_model("directory", "User")
    Authenticator = apps.get_model("mfa", "Authenticator")
    User.objects.filter(pk__in=Authenticator.objects.values("user_id")).update(has_authenticator=True)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_training"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="has_authenticator",
            field=models.BooleanField(default=False, editable=False, verbose_name="has a second factor"),
        ),
        migrations.RunPython(set_from_authenticators, migrations.RunPython.noop),
    ]
