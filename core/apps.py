from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# The first option of a select without a choice is Django's "- Select an option -", which Django's own Spanish
# catalogue leaves untranslated. Named here so that it is in ours, which Django reads first (LOCALE_PATHS).
# (Replacing Django's label at start-up instead would do, but it stops mypy's Django plugin from reading the models.)
DJANGO_EMPTY_CHOICE = gettext_noop("- Select an option -")


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from core.resume import drop_for_other_account, drop_on_sign_out
        from core.security import record_session_start

        user_logged_in.connect(record_session_start, dispatch_uid="record_session_start")
        user_logged_in.connect(drop_for_other_account, dispatch_uid="drop_kept_form_for_other_account")
        user_logged_out.connect(drop_on_sign_out, dispatch_uid="drop_kept_form_on_sign_out")

        from django.tasks.signals import task_finished

        from core.tasks import retry_later

        # A task that fails on the worker is queued again with backoff (core/tasks.py).
        task_finished.connect(retry_later, dispatch_uid="retry_failed_tasks")
