"""Form widgets drawn in Python where Django's templates cost too much for a page drawn on every request."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html: False leaves an attribute out, True writes its name alone."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )


class QuickSelect(forms.Select):
    """A <select> written in one pass, the same markup as Django's Select, instead of one template per option: the
    case list's filters have a hundred counties and every partner organization, and Django's templates took most of
    that page's time drawing them."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, group_choices, _index in widget["optgroups"]:
            rows = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                (
                    (str(option["value"]), _attrs(option["attrs"]), option["label"])
                    for option in group_choices
                ),
            )
            options.append(
                format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rows)
                if group_name
                else rows
            )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attrs(widget["attrs"]),
            mark_safe("".join(options)),
        )
