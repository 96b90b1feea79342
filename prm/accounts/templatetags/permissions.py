"""Predicates of prm.accounts.permissions in templates, so that a page offers only what the viewer may do."""

from django import template

from prm.accounts.permissions import can_manage_membership

register = template.Library()


@register.filter
def access_removable_by(target, viewer):
    """`{% if member|access_removable_by:membership %}`: an active membership `viewer` may deactivate."""
    return target.is_active and can_manage_membership(viewer, target)
