from django import template

from prm.ledger.links import source_link as _source_link

register = template.Library()


@register.filter
def source_link(posting):
    """`{% with link=posting|source_link %}`: the posting's source as a SourceLink (text, url or None)."""
    return _source_link(posting)
