"""What every management page shares: reading a posted form, a filtered page of a list, saving only what a form
shows. The directory's pages and the account pages (accounts/) both use these."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods
from django_filters import FilterSet

from directory.access import organizations_editable_by
from directory.types import AuthenticatedRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 50
GET_OR_POST = require_http_methods(["GET", "POST"])


def posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def filtered_page(request: HttpRequest, filterset_class: type[FilterSet], queryset) -> tuple[FilterSet, Page]:
    filterset = filterset_class(request.GET, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return filterset, page


@dataclass(frozen=True)
class Column:
    """One column heading of a management list."""

    label: "StrOrPromise"
    css_class: str = ""  # e.g. "text-end" for a column of numbers


@dataclass(frozen=True)
class RecordTable:
    """What the one table of record_list.html needs to show one kind of record; every list declares one, so
    the table around the rows is written once and each kind writes only its row."""

    columns: tuple["StrOrPromise | Column", ...]  # a heading, or a Column where it needs a class
    # ngettext_lazy(singular, plural, "counter"): picks its plural form from the number of matching records.
    count: "StrOrPromise"
    empty: "StrOrPromise"  # "No … matches these filters."
    row_template: str  # "app/template.html#partial", rendered once a record as `record`
    # Shown above the count line (an alert, say); rendered with the list's context.
    before_template: str = ""

    @property
    def headings(self) -> list[Column]:
        return [column if isinstance(column, Column) else Column(column) for column in self.columns]


def render_record_list(
    request: AuthenticatedRequest,
    filterset_class: type[FilterSet],
    queryset,
    table: RecordTable,
    context: dict,
) -> HttpResponse:
    """A management list in the one list layout (record_list.html), one row a record from `table.row_template`.

    Filters and page links fetch the results with htmx and swap them in place: an htmx request gets only the
    results partial, any other request (no JavaScript, a reload, htmx restoring history it no longer holds)
    the whole page.
    """
    filterset, page = filtered_page(request, filterset_class, queryset)
    template = "directory/manage/record_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    # The paginator has counted already (to check the page number): no further query.
    count_line = table.count % {"counter": page.paginator.count}
    context = {"filter": filterset, "page": page, "table": table, "count_line": count_line, **context}
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def save_form[M: models.Model](form: "ModelForm[M]", **values: object) -> M:
    """Saves what the form shows (plus `values`) and nothing else, so two people editing different parts of
    the same record do not undo each other's changes."""
    obj = form.save(commit=False)
    for name, value in values.items():
        setattr(obj, name, value)
    if obj._state.adding:
        obj.save()
    else:
        meta = obj._meta
        names = [name for name in form.fields if not meta.get_field(name).many_to_many]
        names += [*values, *(f.name for f in meta.concrete_fields if getattr(f, "auto_now", False))]
        obj.save(update_fields=names)
    form.save_m2m()
    return obj


def initial_organization(request: AuthenticatedRequest) -> dict:
    """'Add' links on an organization's page pre-select it."""
    slug = request.GET.get("organization")
    organization = organizations_editable_by(request.user).filter(slug=slug).first() if slug else None
    return {"organization": organization} if organization else {}
