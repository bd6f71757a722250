"""Re-encrypting stored values under the newest field key, so that old keys can be dropped."""

from django.apps import apps
from django.db import models, transaction

from core.crypto import EncryptedTextField


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found: list[tuple[type[models.Model], list[str]]] = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate_keys(*, batch_size: int = 500) -> int:
    """Re-encrypt every encrypted value (case fields, notes, authenticator secrets) under the first key."""
    from allauth.mfa.adapter import get_adapter as get_mfa_adapter
    from allauth.mfa.models import Authenticator

    changed = 0
    for model, names in encrypted_fields():
        for pk in model._default_manager.values_list("pk", flat=True).iterator(chunk_size=batch_size):
            with transaction.atomic():
                obj = model._default_manager.select_for_update().get(pk=pk)
                # Saving decrypted values encrypts them again under the newest key.
                obj.save(update_fields=names)
                changed += 1
    # Authenticator secrets are allauth's data: they are re-encrypted through the configured MFA adapter (which
    # encrypts with the field keys), never by rewriting allauth's storage format here.
    adapter = get_mfa_adapter()
    for authenticator in Authenticator.objects.all().iterator(chunk_size=batch_size):
        data = dict(authenticator.data)
        for key in ("secret", "seed"):
            if data.get(key):
                data[key] = adapter.encrypt(adapter.decrypt(data[key]))
        authenticator.data = data
        authenticator.save(update_fields=["data"])
        changed += 1
    return changed
