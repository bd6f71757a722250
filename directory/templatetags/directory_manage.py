"""Template tags of the /manage/ pages."""

from django import template

from directory import access

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_review_count(context) -> int:
    """How many partners' coverage changes wait for review, for the tab's badge (one COUNT query; none for
    people who do not review)."""
    user = context["request"].user
    return access.reviews_for(user).count() if access.is_directory_admin(user) else 0
