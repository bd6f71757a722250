"""Re-encrypting stored values under the newest field key, so that old keys can be dropped."""

from django.apps import apps
from django.db import transaction

from referrals.crypto import EncryptedTextField, rotate


def encrypted_fields() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every encrypted value (case fields, notes, authenticator secrets) under the first key."""
    from allauth.mfa.models import Authenticator

    changed = 0
    for model, names in encrypted_fields():
        for pk in model.objects.values_list("pk", flat=True).iterator(chunk_size=batch_size):
            with transaction.atomic():
                obj = model.objects.select_for_update().get(pk=pk)
                # Saving decrypted values encrypts them again under the newest key.
                obj.save(update_fields=names)
                changed += 1
    for authenticator in Authenticator.objects.all().iterator(chunk_size=batch_size):
        data = dict(authenticator.data)
        for key in ("secret", "seed"):
            if data.get(key):
                data[key] = rotate(data[key])
        authenticator.data = data
        authenticator.save(update_fields=["data"])
        changed += 1
    return changed
