"""Branded e-mail: every message leaves from the tenant's sender and carries its portal name and colours."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def tenant_from_address(tenant):
    address = tenant.email_sender_address or settings.DEFAULT_FROM_EMAIL
    return formataddr((tenant.email_sender_name or tenant.display_name, address))


def portal_url(tenant, path=""):
    domain = tenant.domains.filter(is_primary=True).first() or tenant.domains.first()
    scheme = "https" if settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{domain.host}{path}" if domain else path


def send_branded_email(*, tenant, to, subject, template, context):
    """Render `template`.txt / .html with the tenant's branding and send it from the tenant's sender."""
    context = {**context, "tenant": tenant, "portal_url": portal_url(tenant)}
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"[{tenant.display_name}] {subject}", body=text, from_email=tenant_from_address(tenant), to=to
    )
    message.attach_alternative(html, "text/html")
    message.send()
