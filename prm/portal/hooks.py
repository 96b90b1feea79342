"""What modules registered for the core's pages (prm.modules), rendered for one viewer: the home page's cards (of
each slot), quick actions and "To do" list, and the panels of an object's page (`{% object_panels obj %}`,
prm.portal.templatetags).

A card, to-do source or panel that raises (in its predicate, its context or its template) does not take the page
down in production: it is logged with its name and left out, and the rest of the page is served. With
`PRM_RAISE_HOOK_ERRORS` (default `PRM_DEBUG`, always on in tests) the error propagates, so its author sees it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from prm.accounts.permissions import is_partner
from prm.modules import TODO_SEVERITIES, home_cards, object_panels, quick_actions, todo_sources

logger = logging.getLogger(__name__)

COLUMN_CLASSES = {"third": "col-12 col-lg-4", "half": "col-12 col-lg-6", "full": "col-12"}


def audience_of(membership):
    return "partner" if is_partner(membership) else "vendor"


@dataclass(frozen=True)
class Rendered:
    """A card or a panel, rendered: the core puts `html` in its frame."""

    name: str
    html: str
    column_class: str = "col-12"


def _guarded(kind, name, fn, *args):
    try:
        return fn(*args)
    except Exception:
        if settings.PRM_RAISE_HOOK_ERRORS:
            raise
        logger.exception("%s %r failed and was left out of the page", kind, name)
        return None


def _render(hook, request, membership, *args):
    """The hook's template for `membership`, or None when its predicate refuses the viewer or its context is None."""
    if hook.allowed is not None and not hook.allowed(membership):
        return None
    context = hook.context(membership, *args)
    if context is None:
        return None
    return render_to_string(hook.template, context, request=request)


def rendered_home_cards(request, slot="main"):
    membership = request.membership
    rendered = []
    for card in home_cards(audience_of(membership), slot):
        html = _guarded("home card", card.name, _render, card, request, membership)
        if html is not None:
            rendered.append(Rendered(card.name, html, COLUMN_CLASSES[card.width]))
    return rendered


def offered_quick_actions(membership):
    """The quick actions of the viewer's audience that the viewer may take: [(label, URL)]."""
    return [
        (action.label, reverse(action.url_name))
        for action in quick_actions(audience_of(membership))
        if action.allowed is None or action.allowed(membership)
    ]


def todos(membership):
    """Every registered source's to-dos for `membership`, most urgent first (a source's own order kept)."""
    items = []
    for source in todo_sources(audience_of(membership)):
        items += _guarded("to-do source", source.name, source.fn, membership) or []
    return sorted(items, key=lambda todo: TODO_SEVERITIES.index(todo.severity))


def rendered_object_panels(request, obj):
    membership = request.membership
    rendered = []
    for panel in object_panels(obj._meta.label_lower):
        html = _guarded("object panel", panel.name, _render, panel, request, membership, obj)
        if html is not None:
            rendered.append(Rendered(panel.name, html))
    return rendered
