"""A posting's link to its source page, through the registry modules fill (`prm.modules.register_ledger_source`)."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from prm.modules import ledger_source


@dataclass(frozen=True)
class SourceLink:
    text: str
    url: str | None  # None: shown as plain text (no module registered the source, or its page is unknown)


def source_link(posting):
    registered = ledger_source(posting.source_module, posting.source_type)
    if registered is None:
        return SourceLink(f"{posting.source_module} {posting.source_type} {posting.source_id}", None)
    text = f"{registered.label} {posting.source_id}"
    if callable(registered.url):
        return SourceLink(text, registered.url(posting.source_id))
    try:
        return SourceLink(text, reverse(registered.url, args=[posting.source_id]))
    except NoReverseMatch:
        return SourceLink(text, None)
