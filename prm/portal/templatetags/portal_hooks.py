from django import template
from django.template.loader import render_to_string

from prm.portal.hooks import rendered_object_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj):
    """`{% object_panels obj %}`: the panels modules registered for `obj`'s type that the viewer may see."""
    request = context["request"]
    return render_to_string("portal/_object_panels.html", {"panels": rendered_object_panels(request, obj)})
