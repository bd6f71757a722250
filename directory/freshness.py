"""When the directory last changed, for the public pages' cache and their validators (ETag, Last-Modified).

Every save, delete or many-to-many change of a directory record (and every migration, which a deploy runs) moves the
version forward in the configured cache, which every app server shares (Redis in production); a cached public page
is stored under the version it was drawn from, so a change is on the next request everywhere. Changes made with
`QuerySet.update()` bypass the signals: their callers call `directory_changed()` themselves.
"""

import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

VERSION_KEY = "directory:version"


def directory_version() -> int:
    """Seconds since the epoch of the last change: also the pages' Last-Modified. A cache that lost the key (a
    restart, an eviction) starts a new version, which can only make pages fresher."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, int(time.time()), timeout=None)
        version = cache.get(VERSION_KEY) or int(time.time())
    return int(version)


def directory_changed() -> None:
    """A new version, later than the previous one even when two changes fall in the same second."""
    previous = cache.get(VERSION_KEY) or 0
    cache.set(VERSION_KEY, max(int(time.time()), int(previous) + 1), timeout=None)


def _changed(**kwargs) -> None:
    # Now, for the requests of this process and tests; and again once the transaction commits, so that a page drawn by
    # another request in between, from the data before the commit, is not kept under the new version.
    directory_changed()
    transaction.on_commit(directory_changed)


def connect_signals() -> None:
    from directory.models import (
        County,
        Language,
        Organization,
        Phone,
        Resource,
        Service,
        ServiceCategory,
        TextAlert,
    )

    for model in (County, Language, ServiceCategory, Organization, Service, Phone, TextAlert, Resource):
        post_save.connect(_changed, sender=model, dispatch_uid=f"directory-changed-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"directory-changed-delete-{model.__name__}")
    for relation in (
        Organization.languages,
        Service.languages,
        Service.counties,
        Phone.languages,
        Phone.counties,
        TextAlert.counties,
        Resource.languages,
        Resource.counties,
    ):
        m2m_changed.connect(
            _changed, sender=relation.through, dispatch_uid=f"directory-changed-{relation.through}"
        )
    post_migrate.connect(
        _changed, sender=apps.get_app_config("directory"), dispatch_uid="directory-changed-migrate"
    )
