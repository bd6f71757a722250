"""Phone digests over E.164: family phones may now be of any country.

Until now the keyed hash was computed over a number's last ten digits (US numbers only), which would make a Mexican
number and a New Jersey one look alike. It is now computed over the number in E.164 form (`core.crypto.phone_digest`),
so each existing case's digest is computed again from its phone, decrypted through the model field. A phone that
cannot be read as a number keeps its digest. Reversing does nothing: the old digests cannot be told from the new
ones without the phones, and a digest computed the new way is still the same for the same number.
"""

from django.core.exceptions import ValidationError
from django.db import migrations

from core.crypto import phone_digest

BATCH = 500


def rehash_phones(apps, schema_editor) -> None:
    Referral = apps.get_model("referrals", "Referral")
    # Batches of primary keys, not one open cursor: SQLite does not isolate a cursor from updates to its table.
    pks = list(Referral.objects.exclude(contact_phone="").order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        changed = []
        for referral in Referral.objects.filter(pk__in=pks[start : start + BATCH]).only(
            "contact_phone", "phone_digest"
        ):
            try:
                digest = phone_digest(referral.contact_phone)
            except ValidationError:
                continue  # not a number: it keeps its digest
            if digest != referral.phone_digest:
                referral.phone_digest = digest
                changed.append(referral)
        Referral.objects.bulk_update(changed, ["phone_digest"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_pending_notices"),
    ]

    operations = [
        migrations.RunPython(rehash_phones, migrations.RunPython.noop, elidable=True),
    ]
