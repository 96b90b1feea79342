import copy

import pycountry
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from prm.accounts.permissions import can_configure_tenant, require
from prm.audit.services import record, snapshot
from prm.services import Conflict, DomainError
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Domain, Tenant
from prm.validators import refuse_control_characters

BRANDING_FIELDS = [
    "portal_name",
    "primary_colour",
    "accent_colour",
    "email_sender_name",
    "email_sender_address",
    "logo",
]
FISCAL_CALENDAR_FIELDS = ["country", "fiscal_year_start_month"]


def validate_currency(code):
    if pycountry.currencies.get(alpha_3=(code or "").upper()) is None:
        raise DomainError(_("'%(code)s' is not an ISO 4217 currency code.") % {"code": code}, code="invalid_currency")
    return code.upper()


@transaction.atomic
def tenant_create(
    *,
    slug,
    name,
    admin_email,
    admin_password,
    reporting_currency="USD",
    default_language="en",
    time_zone="UTC",
    admin_name="",
    country="US",
    fiscal_year_start_month=1,
):
    """Create a vendor, its portal domain `<slug>.<base domain>` and its first vendor admin."""
    from prm.accounts.services import membership_create, user_get_or_create

    refuse_control_characters(name=name)
    country, fiscal_year_start_month = validate_fiscal_calendar(country, fiscal_year_start_month)
    slug = slugify(slug)
    if not slug:
        raise DomainError("A tenant needs a slug made of letters, digits or hyphens.", code="invalid_slug")
    if Tenant.objects.filter(slug=slug).exists():
        raise Conflict(f"A tenant with slug {slug!r} exists already.", code="duplicate_slug")
    tenant = Tenant.objects.create(
        slug=slug,
        name=name,
        portal_name=name,
        reporting_currency=validate_currency(reporting_currency),
        default_language=default_language,
        time_zone=time_zone,
        country=country,
        fiscal_year_start_month=fiscal_year_start_month,
        email_sender_name=name,
    )
    Domain.objects.create(tenant=tenant, host=f"{slug}.{settings.PRM_BASE_DOMAIN}", is_primary=True)
    with tenant_scope(tenant):
        admin = user_get_or_create(email=admin_email, password=admin_password, full_name=admin_name)
        membership_create(user=admin, role="vendor_admin", actor=None)
        record(
            action="tenant.create",
            obj=tenant,
            after={"slug": slug, "name": name} | snapshot(tenant, FISCAL_CALENDAR_FIELDS),
        )
    return tenant, admin


@transaction.atomic
def tenant_update_branding(*, tenant, actor_membership, logo_upload=None, **changes):
    """Change the portal's name, colours, sender, and (with `logo_upload`) its logo. Everything is validated
    before anything is stored: a refused change leaves the tenant, and the files, as they were.
    Raises ValidationError (per field), UploadRejected (logo) or DomainError. Audited with before/after."""
    require(
        can_configure_tenant(actor_membership) and actor_membership.tenant_id == tenant.pk,
        _("Only this portal's vendor admins change its branding."),
    )
    from prm.files.models import StoredFile
    from prm.files.services import stored_file_create

    unknown = set(changes) - set(BRANDING_FIELDS)
    if unknown:
        raise DomainError(
            _("Not a branding field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="invalid_field"
        )
    candidate = copy.copy(tenant)
    for field, value in changes.items():
        setattr(candidate, field, value)
    candidate.full_clean(exclude=["slug", "logo"])
    if logo_upload is not None:
        changes["logo"] = stored_file_create(
            upload=logo_upload,
            purpose=StoredFile.Purpose.LOGO,
            allowed={"image"},
            uploaded_by=actor_membership.user,
            max_bytes=settings.PRM_IMAGE_MAX_BYTES,
            public=True,
        )
    before = snapshot(tenant, BRANDING_FIELDS)
    for field, value in changes.items():
        setattr(tenant, field, value)
    tenant.save(update_fields=list(changes))
    record(
        action="tenant.branding_update",
        actor=actor_membership.user,
        obj=tenant,
        before=before,
        after=snapshot(tenant, BRANDING_FIELDS),
    )
    return tenant


def validate_fiscal_calendar(country, fiscal_year_start_month):
    """(The ISO 3166-1 alpha-2 country, upper-cased; the month 1–12 the fiscal year starts in), else DomainError."""
    from prm.accounts.services import validate_country

    if isinstance(fiscal_year_start_month, bool) or fiscal_year_start_month not in range(1, 13):
        raise DomainError(
            _("A fiscal year starts in a month from 1 to 12, not %(month)s.")
            % {"month": repr(fiscal_year_start_month)},
            code="invalid_fiscal_year_start_month",
        )
    return validate_country(country), fiscal_year_start_month


@transaction.atomic
def tenant_update_fiscal_calendar(*, tenant, actor_membership, country=None, fiscal_year_start_month=None):
    """Change the tenant's country (its public holidays) and the month its fiscal year starts in; a value left
    None stays. Fiscal periods, quarterly due dates and business days follow at once (they are derived, never
    stored). Audited with before/after."""
    require(
        can_configure_tenant(actor_membership) and actor_membership.tenant_id == tenant.pk,
        _("Only this portal's vendor admins change its fiscal calendar."),
    )
    before = snapshot(tenant, FISCAL_CALENDAR_FIELDS)
    tenant.country, tenant.fiscal_year_start_month = validate_fiscal_calendar(
        tenant.country if country is None else country,
        tenant.fiscal_year_start_month if fiscal_year_start_month is None else fiscal_year_start_month,
    )
    tenant.save(update_fields=FISCAL_CALENDAR_FIELDS)
    record(
        action="tenant.fiscal_calendar_update",
        actor=actor_membership.user,
        obj=tenant,
        before=before,
        after=snapshot(tenant, FISCAL_CALENDAR_FIELDS),
    )
    return tenant
