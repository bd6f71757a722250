"""Baselines for the benchmark (scripts/benchmark.sh), served only when BENCHMARK_VIEWS is on: what a page costs
with nothing of ours in it, so that each page's throughput reads as a ratio on any machine.

- B1: a bare view behind the whole middleware stack (sessions, authentication, second factor, CSP, locale);
- B2: a static 25-row table rendered in the base template, as every page is.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

ROWS = [(f"Row {number}", number, number * 7 % 25) for number in range(1, 26)]


@login_not_required
@require_safe
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
def table(request: HttpRequest) -> HttpResponse:
    return render(request, "core/bench_table.html", {"rows": ROWS})


urlpatterns = [
    path("b1/", bare, name="bench_b1"),
    path("b2/", table, name="bench_b2"),
]
