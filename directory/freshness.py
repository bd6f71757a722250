"""When the directory last changed, for the public pages' cache and their validators (ETag, Last-Modified).

Every save, delete or many-to-many change of a directory record (and every migration, which a deploy runs) gives the
directory a new version in the public pages' cache, which every app server shares (Redis in production). A cached
public page is stored under the version it was drawn from, so a change is on the next request everywhere. The version
is a random token, never derived from the clock: a cache that lost it (an eviction, a restart) starts a new one and
can never bring back pages kept under an old one. Changes made with `QuerySet.update()` bypass the signals: their
callers call `directory_changed()` themselves.
"""

import secrets
import time
from typing import NamedTuple

from django.apps import apps
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

VERSION_KEY = "directory:version"


class Version(NamedTuple):
    token: str
    changed_at: int  # seconds since the epoch: the pages' Last-Modified


def page_cache():
    return caches["public_pages"]


def _new_version() -> Version:
    return Version(secrets.token_hex(8), int(time.time()))


def directory_version() -> Version:
    cache = page_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, tuple(_new_version()), timeout=None)
        version = cache.get(VERSION_KEY) or tuple(_new_version())
    return Version(*version)


def directory_changed() -> None:
    page_cache().set(VERSION_KEY, tuple(_new_version()), timeout=None)


def _changed(**kwargs) -> None:
    if kwargs.get("action", "post_").startswith("pre_"):
        return
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
