from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.crypto import decrypt, encrypt
from core.views import LANGUAGE_SWITCHED_SESSION_KEY


class AccountAdapter(DefaultAccountAdapter):
    """Accounts exist only by invitation from an admin; nobody can sign up on their own."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def post_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse:
        """Pages and emails in the person's language. One they chose (with the language buttons, here or on the
        sign-in page just before) stays theirs on every device. Until they choose, the account follows the browser:
        each sign-in keeps the language the sign-in page was shown in (the browser's, or the one this device last
        showed), which is also the language their emails are written in."""
        response = super().post_login(request, user, **kwargs)
        before = (user.preferred_language, user.language_chosen)
        switched = request.session.pop(LANGUAGE_SWITCHED_SESSION_KEY, None)
        if switched in dict(settings.LANGUAGES):
            user.preferred_language, user.language_chosen = switched, True
        elif not user.language_chosen:
            user.preferred_language = request.LANGUAGE_CODE  # set by LocaleMiddleware: the sign-in page's
        if (user.preferred_language, user.language_chosen) != before:
            user.save(update_fields=["preferred_language", "language_chosen"])
        # Show the app in the person's language on this device from now on.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
        return response


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted with the field keys, like contact details."""

    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
