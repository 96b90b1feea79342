"""Recruitment: applications sent through the tenant's public "become a partner" page, and their review.

`application_submit` is the one service without an acting membership: the applicant is nobody's member yet (the
page and the API guard it with a honeypot and a per-address rate limit, partners/throttling.py). Review moves go
through the workflow helper: approving creates the partner organisation (the core's `partner_org_create`), its
program profile and an invitation of the applicant as partner admin, with the channel manager the reviewer names;
declining needs a reason, which is e-mailed to the applicant.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import MAX_SPECIALISATIONS, SPECIALISATION_LENGTH, PartnerApplication, PartnerProfile
from prm.accounts.models import PartnerOrg, Role
from prm.accounts.permissions import can_review_applications
from prm.accounts.services import invitation_create, partner_org_create, validate_country
from prm.audit.services import record, snapshot
from prm.companies import company_key, evidence_domain, registrable_domain
from prm.services import DomainError
from prm.tenancy.context import require_current_tenant
from prm.validators import refuse_control_characters
from prm.workflow import Transition, Workflow

Status = PartnerApplication.Status
MAX_EXPECTED_SALES = Decimal("99999999999999.99")  # the column's 16 digits
APPLICATION_FIELDS = [
    "company_name",
    "partner_type",
    "country",
    "website",
    "specialisations",
    "expected_annual_sales",
    "currency",
    "contact_name",
    "contact_email",
]


def _queue_email(kind):
    def effect(application):
        from partners.tasks import send_application_email

        tenant_id = str(application.tenant_id)  # on commit: the request's tenant scope may be over
        send_application_email.delay(tenant_id=tenant_id, application_id=str(application.pk), kind=kind)

    return effect


APPLICATION_REVIEW = Workflow(
    model=PartnerApplication,
    audit_action="partner_application.decide",
    forbidden_message=gettext_lazy("Only vendor admins and channel managers review partner applications."),
    transitions=[
        Transition(name="approve", source={Status.SUBMITTED}, target=Status.APPROVED, allowed=can_review_applications),
        Transition(
            name="decline",
            source={Status.SUBMITTED},
            target=Status.DECLINED,
            allowed=can_review_applications,
            reason_required=True,
            effects=[_queue_email("declined")],
        ),
    ],
)


# --- the public page ------------------------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    company_name,
    partner_type,
    country,
    website,
    contact_name,
    contact_email,
    specialisations=(),
    expected_annual_sales=None,
    submitted_from=None,
    language="",
):
    """A new application, waiting for review; the applicant gets a confirmation e-mail in the tenant's branding."""
    company_name, contact_name = _required(company_name, _("company")), _required(contact_name, _("contact name"))
    refuse_control_characters(company=company_name, contact_name=contact_name, website=website)
    if partner_type not in PartnerOrg.Type.values:
        raise DomainError(_("'%(type)s' is not a partner type.") % {"type": partner_type}, code="invalid_partner_type")
    application = PartnerApplication.objects.create(
        company_name=company_name,
        company_key=company_key(company_name),
        partner_type=partner_type,
        country=validate_country(country),
        website=_website(website),
        web_domain=evidence_domain(website),
        specialisations=clean_specialisations(specialisations),
        expected_annual_sales=_expected_sales(expected_annual_sales),
        currency=require_current_tenant().reporting_currency,
        contact_name=contact_name,
        contact_email=_email(contact_email),
        submitted_from=submitted_from,
        language=language or translation.get_language() or "",
    )
    record(action="partner_application.submit", obj=application, after=snapshot(application, APPLICATION_FIELDS))
    transaction.on_commit(lambda: _queue_email("received")(application), robust=True)
    return application


def _required(value, label):
    value = (value or "").strip()
    if not value:
        raise DomainError(_("Enter the %(field)s.") % {"field": label}, code="required")
    return value


def _website(value):
    value = (value or "").strip()
    if not registrable_domain(value):
        raise DomainError(
            _("Enter your company's website, e.g. example.com (%(value)s is not a web address).")
            % {"value": value or _("an empty value")},
            code="invalid_website",
        )
    return value


def _email(value):
    value = (value or "").strip().lower()
    try:
        validate_email(value)
    except ValidationError:
        raise DomainError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return value


def clean_specialisations(values):
    """The specialisations trimmed, without blanks and repeats (in any case), each within its length."""
    cleaned, seen = [], set()
    for value in values or ():
        text = str(value).strip()
        if not text or text.casefold() in seen:
            continue
        refuse_control_characters(specialisation=text)
        if len(text) > SPECIALISATION_LENGTH:
            raise DomainError(
                _("A specialisation has at most %(n)d characters.") % {"n": SPECIALISATION_LENGTH},
                code="specialisation_too_long",
            )
        cleaned.append(text)
        seen.add(text.casefold())
    if len(cleaned) > MAX_SPECIALISATIONS:
        raise DomainError(
            _("Name at most %(n)d specialisations.") % {"n": MAX_SPECIALISATIONS}, code="too_many_specialisations"
        )
    return cleaned


def _expected_sales(value):
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_("Expected annual sales must be an amount."), code="invalid_amount") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_EXPECTED_SALES:
        raise DomainError(
            _("Expected annual sales must be between 0 and %(max)s.") % {"max": f"{MAX_EXPECTED_SALES:,.0f}"},
            code="invalid_amount",
        )
    return amount.quantize(Decimal("0.01"))


# --- review ---------------------------------------------------------------------------------------------------


@transaction.atomic
def application_approve(*, actor_membership, application, channel_manager, name="", partner_type="", reason=""):
    """Approve: the partner organisation (named `name`, else as the company; of `partner_type`, else as applied)
    managed by `channel_manager`, its program profile, and the applicant invited as its partner admin."""
    if channel_manager is None:
        raise DomainError(_("Choose the partner's channel manager."), code="channel_manager_required")
    locked = APPLICATION_REVIEW.move(
        obj=application, to=Status.APPROVED, actor_membership=actor_membership, reason=reason
    )
    org = partner_org_create(
        actor_membership=actor_membership,
        name=(name or "").strip() or locked.company_name,
        partner_type=partner_type or locked.partner_type,
        country=locked.country,
        channel_manager=channel_manager,
    )
    PartnerProfile.objects.create(
        partner_org=org,
        website=locked.website,
        web_domain=locked.web_domain,
        specialisations=locked.specialisations,
        application=locked,
    )
    invitation_create(
        actor_membership=actor_membership, email=locked.contact_email, role=Role.PARTNER_ADMIN, partner_org=org
    )
    return _decided(locked, actor_membership, reason, partner_org=org)


@transaction.atomic
def application_decline(*, actor_membership, application, reason):
    """Decline with a reason (required), e-mailed to the applicant."""
    locked = APPLICATION_REVIEW.move(
        obj=application, to=Status.DECLINED, actor_membership=actor_membership, reason=reason
    )
    return _decided(locked, actor_membership, reason)


def _decided(application, actor_membership, reason, partner_org=None):
    application.decided_by = actor_membership
    application.decided_at = timezone.now()
    application.decision_reason = (reason or "").strip()
    application.partner_org = partner_org
    application.save(update_fields=["decided_by", "decided_at", "decision_reason", "partner_org"])
    return application


def application_send_email(*, application_id, kind):
    """The applicant's e-mail: "received" (the confirmation) or "declined" (with the reason), in the tenant's
    branding and the language the applicant used. Returns whether one was sent (a declined e-mail only for a
    declined application)."""
    from prm.notifications.email import send_branded_email

    application = PartnerApplication.objects.get(pk=application_id)
    if kind == "declined" and application.status != Status.DECLINED:
        return False
    with translation.override(application.language or None):
        subjects = {"received": _("We received your partner application"), "declined": _("Your partner application")}
        send_branded_email(
            tenant=require_current_tenant(),
            to=[application.contact_email],
            subject=subjects[kind],
            template=f"partners/email/application_{kind}",
            context={"application": application},
        )
    return True
