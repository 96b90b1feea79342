"""Every route of the tenant portal, read from the URL resolver, so a route added later is crawled without
anyone listing it here."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, for reverse()
    params: tuple  # the kwargs the route takes
    pattern: str

    def __str__(self):
        return f"{self.name} [{self.pattern}]"


def _params(entry):
    if isinstance(entry.pattern, RoutePattern):
        return tuple(entry.pattern.converters)
    return tuple(entry.pattern.regex.groupindex)


def _walk(patterns, namespace="", prefix="", inherited=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, ns, prefix + str(entry.pattern), inherited + _params(entry))
        elif isinstance(entry, URLPattern):
            yield Route(
                name=f"{namespace}{entry.name}" if entry.name else "",
                params=tuple(dict.fromkeys(inherited + _params(entry))),
                pattern=prefix + str(entry.pattern),
            )


def tenant_routes():
    return list(_walk(get_resolver(settings.ROOT_URLCONF).url_patterns))
