from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from directory.security import record_session_start

        user_logged_in.connect(record_session_start, dispatch_uid="record_session_start")
