"""Encryption at rest for contact details and notes.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys in FIELD_ENCRYPTION_KEYS, which are not
SECRET_KEY. The first key encrypts; every key decrypts, so keys can be rotated: add a new key first, re-encrypt
(`manage.py rotate_keys`), then drop the old one.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from core.phones import parse_family_phone


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def phone_digest(phone: str) -> str:
    """A keyed hash of a phone number in E.164 form: finds a family's open referral without storing the number in
    clear. The number is read first (`parse_family_phone`), so every way of writing it ("919-555-0143", "+1 919 555
    0143", "011 52 55 1234 5678") has the same digest; "" for no number. Raises ValidationError for text that is not
    a valid number."""
    if not (phone or "").strip():
        return ""
    e164 = parse_family_phone(phone)
    return hmac.new(settings.FIELD_HASH_KEY.encode(), e164.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field whose database column holds only Fernet ciphertext; empty stays empty."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        try:
            return decrypt(value)
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "An encrypted value could not be decrypted: is its key missing from FIELD_ENCRYPTION_KEYS?"
            ) from error

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Ciphertext is randomised: only emptiness can be queried.
        if lookup_name not in {"exact", "isnull"}:
            return None
        return super().get_lookup(lookup_name)
