"""Bilingual content: directory records keep an English field and a Spanish `<field>_es` beside it."""

from django.utils.translation import get_language


def localized(obj: object, field: str) -> str:
    """The Spanish variant of a bilingual field when Spanish is active and it is filled in."""
    if (get_language() or "").startswith("es"):
        value = getattr(obj, f"{field}_es", "")
        if value:
            return value
    return getattr(obj, field)
