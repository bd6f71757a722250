import base64

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection

from core.crypto import _fernet
from referrals import services
from referrals.models import Note, Referral
from tests.conftest import TOTP_SECRET
from tests.referrals.conftest import log_case

pytestmark = pytest.mark.django_db

KEY_1 = base64.urlsafe_b64encode(b"first-field-key-for-the-tests-01").decode()
KEY_2 = base64.urlsafe_b64encode(b"second-field-key-for-the-tests-2").decode()


def test_data_written_under_the_old_key_reads_after_rotating_and_dropping_it(
    settings, volunteer, durham, spanish
):
    # The personas' authenticators were written under the development key: it is an "old key" too.
    old_keys = [KEY_1, *settings.FIELD_ENCRYPTION_KEYS]
    settings.FIELD_ENCRYPTION_KEYS = old_keys
    case = log_case(volunteer, durham, spanish, contact_name="Rosa M.", notes="Call after 6pm")
    services.note_add(user=volunteer, referral=case, body="Lawyer on Friday")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name FROM referrals_referral")
        before = cursor.fetchone()[0]

    settings.FIELD_ENCRYPTION_KEYS = [KEY_2, *old_keys]
    call_command("rotate_keys")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_2]
    _fernet.cache_clear()

    case = Referral.objects.get(pk=case.pk)
    assert case.contact_name == "Rosa M." and case.notes == "Call after 6pm"
    assert Note.objects.get().body == "Lawyer on Friday"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_name FROM referrals_referral")
        assert cursor.fetchone()[0] != before
    # The second factor still works with the new key only.
    from allauth.mfa.adapter import get_adapter

    secret = get_adapter().decrypt(Authenticator.objects.get(user=volunteer).data["secret"])
    assert secret == TOTP_SECRET
