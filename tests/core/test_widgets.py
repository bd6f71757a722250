"""QuickSelect draws the same <select> as Django's Select, options, the chosen one, groups and escaping included."""

import re

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES = [
    ("", "Any county"),
    ("37063", "Durham"),
    ("37135", 'Orange <script>alert("x")</script> & Co'),
    ("Group", [("a", "Alpha"), ("b", "Beta")]),
]


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("value", ["", "37135", "b", None])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select", "id": "id_county", "required": True, "disabled": False}]
)
def test_quick_select_draws_what_django_draws(value, attrs):
    django_html = forms.Select(choices=CHOICES).render("county", value, attrs=dict(attrs))
    quick_html = QuickSelect(choices=CHOICES).render("county", value, attrs=dict(attrs))
    assert squeeze(quick_html) == squeeze(django_html)
    assert "<script>" not in quick_html


def test_the_chosen_option_is_selected():
    html = QuickSelect(choices=CHOICES).render("county", "37063")
    assert '<option value="37063" selected>Durham</option>' in html
