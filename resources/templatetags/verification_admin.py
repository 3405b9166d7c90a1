"""The admin index's verification dashboard (templates/admin/index.html)."""

from django import template

from .. import verification

register = template.Library()


@register.simple_tag(takes_context=True)
def verification_dashboard(context):
    """The dashboard's figures, or None for a staff member who may not see organizations."""
    user = context["request"].user
    if not user.has_perm("resources.view_organization"):
        return None
    return verification.dashboard()
