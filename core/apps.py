from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The first option of a select without a choice ("- Select an option -", which Django's own Spanish
        # catalogue leaves untranslated), in our catalogue. Django reads it when a form field is built.
        fields.BLANK_CHOICE_LABEL = _("Choose…")

        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from core.resume import drop_for_other_account, drop_on_sign_out
        from core.security import record_session_start

        user_logged_in.connect(record_session_start, dispatch_uid="record_session_start")
        user_logged_in.connect(drop_for_other_account, dispatch_uid="drop_kept_form_for_other_account")
        user_logged_out.connect(drop_on_sign_out, dispatch_uid="drop_kept_form_on_sign_out")
