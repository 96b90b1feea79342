import hashlib
import secrets
from datetime import timedelta

import pycountry
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from prm.accounts.models import (
    PARTNER_ROLES,
    VENDOR_ROLES,
    ApiToken,
    Invitation,
    Membership,
    PartnerOrg,
    Role,
    User,
)
from prm.accounts.permissions import (
    can_be_channel_manager,
    can_invite,
    can_manage_membership,
    can_manage_partner_orgs,
    is_member,
    require,
)
from prm.api.authentication import hash_key
from prm.audit.services import record, snapshot
from prm.companies import company_key
from prm.notifications.services import notify
from prm.services import Conflict, DomainError
from prm.tenancy.context import require_current_tenant
from prm.territories.selectors import is_in_scope
from prm.validators import refuse_control_characters
from prm.workflow import Transition, Workflow

PARTNER_ORG_FIELDS = ["name", "partner_type", "country", "status", "channel_manager"]
PARTNER_ORG_DETAILS = [f for f in PARTNER_ORG_FIELDS if f != "status"]  # a status changes through its workflow
INVITATION_STATUS_WORDS = {  # Invitation.status, in "This invitation is …"
    "open": pgettext_lazy("invitation", "open"),
    "accepted": pgettext_lazy("invitation", "accepted"),
    "revoked": pgettext_lazy("invitation", "revoked"),
    "expired": pgettext_lazy("invitation", "expired"),
}


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_token(invitation):
    """The secret of an invitation's link, derived from its id with SECRET_KEY: the worker that e-mails the link
    derives it again, so the broker carries only the id and the table only the token's hash. (Rotating
    SECRET_KEY voids the open links: invite again.)"""
    return salted_hmac("prm.accounts.invitation", str(invitation.pk), algorithm="sha256").hexdigest()


def validate_country(code):
    code = (code or "").strip().upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise DomainError(
            _("%(code)s is not an ISO 3166 country code.") % {"code": code or _("An empty value")},
            code="invalid_country",
        )
    return code


# --- users and memberships -------------------------------------------------------------------------------


@transaction.atomic
def user_get_or_create(*, email, password=None, full_name=""):
    """The user with this e-mail (unchanged if it exists), or a new one (`user_create`)."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    return user if user is not None else user_create(email=email, password=password, full_name=full_name)


@transaction.atomic
def user_create(*, email, password=None, full_name=""):
    """A new user whose address counts as verified (it came from an invitation or an operator). An address that
    has an account already is refused (`account_exists`): its account is never handed to whoever asked."""
    email = email.strip().lower()
    refuse_control_characters(full_name=full_name)
    if password is not None:
        try:
            validate_password(password, User(email=email, full_name=full_name))
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), code="weak_password") from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError as exc:
        raise Conflict(
            _("%(email)s has an account already: sign in with it.") % {"email": email}, code="account_exists"
        ) from exc
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@transaction.atomic
def membership_create(*, user, role, actor, partner_org=None):
    """Give `user` a role in this portal. Not a use case of its own: the callers authorised it already (an
    accepted invitation, the operator creating a tenant, a seeder); `actor` is the user recorded in the audit."""
    if role in PARTNER_ROLES and partner_org is None:
        raise DomainError(_("A partner role needs a partner organisation."), code="partner_org_required")
    if role in VENDOR_ROLES and partner_org is not None:
        raise DomainError(_("Vendor roles do not belong to a partner organisation."), code="unexpected_partner_org")
    existing = Membership.objects.filter(user=user).first()
    if existing is not None and existing.is_active:
        raise Conflict(
            _("%(email)s is already a member of this portal.") % {"email": user.email}, code="already_member"
        )
    if existing is not None:
        before = snapshot(existing, ["role", "partner_org", "is_active"])
        existing.role, existing.partner_org, existing.is_active = role, partner_org, True
        existing.deactivated_with_org = False
        existing.save(update_fields=["role", "partner_org", "is_active", "deactivated_with_org"])
        record(
            action="membership.reactivate",
            actor=actor,
            obj=existing,
            before=before,
            after=snapshot(existing, ["role", "partner_org", "is_active"]),
        )
        return existing
    membership = Membership.objects.create(user=user, role=role, partner_org=partner_org)
    record(
        action="membership.create",
        actor=actor,
        obj=membership,
        after=snapshot(membership, ["user", "role", "partner_org"]),
    )
    return membership


@transaction.atomic
def membership_deactivate(*, membership, actor_membership, reason):
    """Revoke a person's access to this portal (their records stay). The last vendor admin stays. A person whom
    their organisation's deactivation switched off stays off when it is reactivated."""
    require(can_manage_membership(actor_membership, membership), _("You may not remove this person's access."))
    actor = actor_membership.user
    if not (reason or "").strip():
        raise DomainError(_("Say why this access is removed."), code="reason_required")
    if membership.role == Role.VENDOR_ADMIN:
        others = Membership.objects.filter(role=Role.VENDOR_ADMIN, is_active=True).exclude(pk=membership.pk)
        if not others.select_for_update().exists():
            raise DomainError(_("The portal must keep at least one active vendor admin."), code="last_admin")
    before = snapshot(membership, ["is_active"])
    membership.is_active, membership.deactivated_with_org = False, False
    membership.save(update_fields=["is_active", "deactivated_with_org"])
    ApiToken.objects.filter(user=membership.user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record(
        action="membership.deactivate",
        actor=actor,
        obj=membership,
        before=before,
        after={"is_active": False},
        reason=reason,
    )
    return membership


@transaction.atomic
def user_update_profile(*, actor_membership, full_name):
    """The signed-in member changes their own name (the user row is shared by every portal they belong to)."""
    require(is_member(actor_membership), _("Only members of this portal edit their profile here."))
    full_name = (full_name or "").strip()
    refuse_control_characters(full_name=full_name)
    if len(full_name) > User._meta.get_field("full_name").max_length:
        raise DomainError(_("A name has at most 150 characters."), code="name_too_long")
    user = actor_membership.user
    before = snapshot(user, ["full_name"])
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    record(action="user.update_profile", actor=user, obj=user, before=before, after={"full_name": full_name})
    return user


# --- partner organisations ---------------------------------------------------------------------------------


def _check_manager(manager):
    if manager is not None and not can_be_channel_manager(manager):
        raise DomainError(
            _("The channel manager must be an active channel manager or vendor admin."),
            code="invalid_channel_manager",
        )


def _notify_manager(org, manager):
    if manager is not None:
        notify(
            recipients=[manager.user],
            title=f"You now manage {org.name}",
            body=f"{org.name} ({org.get_partner_type_display()}, {org.country}) was assigned to you.",
            link=f"/partner-orgs/{org.pk}/",
        )


def _require_partner_org_manager(actor_membership):
    require(
        can_manage_partner_orgs(actor_membership),
        _("Only vendor admins and channel managers manage partner organisations."),
    )


def _require_partner_org_in_reach(actor_membership, org):
    _require_partner_org_manager(actor_membership)
    require(is_in_scope(actor_membership, org), _("This partner organisation is outside your territories."))


@transaction.atomic
def partner_org_create(
    *, actor_membership, name, partner_type, country, channel_manager=None, status=PartnerOrg.Status.ACTIVE
):
    _require_partner_org_manager(actor_membership)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A partner organisation needs a name."), code="name_required")
    refuse_control_characters(name=name)
    if partner_type not in PartnerOrg.Type.values:
        raise DomainError(_("'%(type)s' is not a partner type.") % {"type": partner_type}, code="invalid_partner_type")
    if status not in PartnerOrg.Status.values:
        raise DomainError(_("'%(status)s' is not a status.") % {"status": status}, code="invalid_status")
    _check_manager(channel_manager)
    try:
        with transaction.atomic():
            org = PartnerOrg.objects.create(
                name=name,
                name_key=company_key(name),
                partner_type=partner_type,
                country=validate_country(country),
                channel_manager=channel_manager,
                status=status,
            )
    except IntegrityError as exc:
        message = _("A partner organisation named '%(name)s' exists already.") % {"name": name}
        raise Conflict(message, code="duplicate_name") from exc
    record(action="partner_org.create", actor=actor_membership.user, obj=org, after=snapshot(org, PARTNER_ORG_FIELDS))
    _notify_manager(org, channel_manager)
    return org


@transaction.atomic
def partner_org_update(*, org, actor_membership, reason="", **changes):
    """Change a partner organisation's fields. A new `status` goes through `partner_org_change_status` (the
    deactivation or reactivation, with the same reason); the other fields are saved and audited together."""
    _require_partner_org_in_reach(actor_membership, org)
    unknown = set(changes) - set(PARTNER_ORG_FIELDS)
    if unknown:
        raise DomainError(
            _("Not an editable field: %(fields)s") % {"fields": ", ".join(sorted(unknown))}, code="invalid_field"
        )
    if "country" in changes:
        changes["country"] = validate_country(changes["country"])
    if "partner_type" in changes and changes["partner_type"] not in PartnerOrg.Type.values:
        raise DomainError(
            _("'%(type)s' is not a partner type.") % {"type": changes["partner_type"]}, code="invalid_partner_type"
        )
    if "name" in changes and not (changes["name"] or "").strip():
        raise DomainError(_("A partner organisation needs a name."), code="name_required")
    refuse_control_characters(name=changes.get("name"))
    new_manager = changes.get("channel_manager", org.channel_manager)
    _check_manager(new_manager)
    status = changes.pop("status", org.status)
    if status != org.status:
        partner_org_change_status(actor_membership=actor_membership, org=org, to=status, reason=reason)
    changes = {field: value for field, value in changes.items() if getattr(org, field) != value}
    if not changes:
        return org
    before = snapshot(org, PARTNER_ORG_DETAILS)
    if "name" in changes:
        changes["name_key"] = company_key(changes["name"])
    for field, value in changes.items():
        setattr(org, field, value)
    try:
        with transaction.atomic():
            org.save(update_fields=list(changes))
    except IntegrityError as exc:
        message = _("A partner organisation named '%(name)s' exists already.") % {"name": org.name}
        raise Conflict(message, code="duplicate_name") from exc
    record(
        action="partner_org.update",
        actor=actor_membership.user,
        obj=org,
        before=before,
        after=snapshot(org, PARTNER_ORG_DETAILS),
        reason=reason,
    )
    if "channel_manager" in changes:
        _notify_manager(org, new_manager)
    return org


PARTNER_ORG_STATUS = Workflow(
    model=PartnerOrg,
    audit_action="partner_org.status_change",
    forbidden_message="Only vendor admins and channel managers change a partner organisation's status.",
    transitions=[
        Transition(
            name="deactivate",
            source={PartnerOrg.Status.ACTIVE},
            target=PartnerOrg.Status.INACTIVE,
            allowed=can_manage_partner_orgs,
            reason_required=True,
        ),
        Transition(
            name="reactivate",
            source={PartnerOrg.Status.INACTIVE},
            target=PartnerOrg.Status.ACTIVE,
            allowed=can_manage_partner_orgs,
            reason_required=True,
        ),
    ],
)


def _switch_memberships(*, actor_membership, memberships, on, reason):
    """Switch `memberships` on or off with their organisation: one audit event each, with the reason."""
    action = "membership.reactivate" if on else "membership.deactivate"
    switched = list(memberships.select_for_update())
    for membership in switched:
        membership.is_active, membership.deactivated_with_org = on, not on
        membership.save(update_fields=["is_active", "deactivated_with_org"])
        record(
            action=action,
            actor=actor_membership.user,
            obj=membership,
            before={"is_active": not on},
            after={"is_active": on, "with_partner_org": True},
            reason=reason,
        )
    return switched


@transaction.atomic
def partner_org_deactivate(*, actor_membership, partner_org, reason):
    """Deactivate a partner organisation (a reason is required) and switch off its active users, marked as
    switched off with it: they cannot sign in, and their API tokens do not authenticate, until it is
    reactivated. Returns (org, the memberships switched off)."""
    _require_partner_org_in_reach(actor_membership, partner_org)
    org = PARTNER_ORG_STATUS.move(
        obj=partner_org, to=PartnerOrg.Status.INACTIVE, actor_membership=actor_membership, reason=reason
    )
    switched = _switch_memberships(
        actor_membership=actor_membership,
        memberships=Membership.objects.filter(partner_org=org, is_active=True),
        on=False,
        reason=reason.strip(),
    )
    return org, switched


@transaction.atomic
def partner_org_reactivate(*, actor_membership, partner_org, reason):
    """Reactivate a partner organisation (a reason is required) and switch back on exactly the users its
    deactivation switched off; those whose access was removed on its own stay removed. Returns (org, the
    memberships switched on)."""
    _require_partner_org_in_reach(actor_membership, partner_org)
    org = PARTNER_ORG_STATUS.move(
        obj=partner_org, to=PartnerOrg.Status.ACTIVE, actor_membership=actor_membership, reason=reason
    )
    switched = _switch_memberships(
        actor_membership=actor_membership,
        memberships=Membership.objects.filter(partner_org=org, deactivated_with_org=True),
        on=True,
        reason=reason.strip(),
    )
    return org, switched


def partner_org_change_status(*, actor_membership, org, to, reason=""):
    """Move a partner organisation to status `to`: `partner_org_deactivate` or `partner_org_reactivate`."""
    change = {PartnerOrg.Status.INACTIVE: partner_org_deactivate, PartnerOrg.Status.ACTIVE: partner_org_reactivate}
    if to not in change:
        raise DomainError(_("'%(status)s' is not a status.") % {"status": to}, code="invalid_status")
    org, _switched = change[to](actor_membership=actor_membership, partner_org=org, reason=reason)
    return org


# --- invitations -------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, actor_membership, email, role, partner_org=None):
    """Invite `email` with `role`. Returns (invitation, token); the token is e-mailed and only its hash stored.
    A partner admin who names no organisation invites into his own."""
    from prm.accounts.tasks import send_invitation_email

    email = (email or "").strip().lower()
    if "@" not in email:
        raise DomainError(_("Enter a valid e-mail address."), code="invalid_email")
    if role not in Role.values:
        raise DomainError(_("'%(role)s' is not a role.") % {"role": role}, code="invalid_role")
    partner_org = partner_org or actor_membership.partner_org
    if role in PARTNER_ROLES and partner_org is None:
        raise DomainError(_("A partner role needs a partner organisation."), code="partner_org_required")
    if role in VENDOR_ROLES:
        partner_org = None
    require(
        can_invite(actor_membership, role=role, partner_org=partner_org),
        _("You may not invite someone with this role."),
    )
    if Membership.objects.filter(user__email=email, is_active=True).exists():
        raise Conflict(_("%(email)s is already a member of this portal.") % {"email": email}, code="already_member")
    # An expired invitation is not open any more, but the one-open-invitation index still counts it (it cannot
    # know the time): close it as superseded, or nobody could ever be invited again at this address.
    now = timezone.now()
    for expired in Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now
    ).select_for_update():
        expired.revoked_at = now
        expired.save(update_fields=["revoked_at"])
        record(action="invitation.revoke", actor=actor_membership.user, obj=expired, reason="Expired; invited again.")
    invitation = Invitation(
        email=email,
        role=role,
        partner_org=partner_org,
        invited_by=actor_membership.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    token = invitation_token(invitation)
    invitation.token_hash = _token_hash(token)
    try:
        with transaction.atomic():
            invitation.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(
            _("%(email)s has an open invitation already.") % {"email": email}, code="already_invited"
        ) from exc
    record(
        action="invitation.create",
        actor=actor_membership.user,
        obj=invitation,
        after={"email": email, "role": role, "partner_org": str(partner_org.pk) if partner_org else None},
    )
    tenant_id = str(require_current_tenant().pk)
    transaction.on_commit(lambda: send_invitation_email.delay(tenant_id=tenant_id, invitation_id=str(invitation.pk)))
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation, actor_membership):
    """Whoever may send an invitation like this one may withdraw it."""
    require(
        can_invite(actor_membership, role=invitation.role, partner_org=invitation.partner_org),
        _("You may not withdraw this invitation."),
    )
    if invitation.status != "open":
        raise Conflict(
            _("This invitation is %(status)s and cannot be revoked.")
            % {"status": INVITATION_STATUS_WORDS[invitation.status]},
            code="not_open",
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(action="invitation.revoke", actor=actor_membership.user, obj=invitation)
    return invitation


def invitation_for_token(token):
    """The current tenant's invitation carrying `token`, whatever its status, or None."""
    return Invitation.objects.select_related("partner_org", "invited_by").filter(token_hash=_token_hash(token)).first()


@transaction.atomic
def invitation_accept(*, invitation, user=None, password=None, full_name=""):
    """Accept an open invitation and return the new membership, as one of:
    - `user`, the signed-in user, whose e-mail must be the invited one. An address that has an account already
      (another portal, a former member) accepts only this way, after the portal's normal sign-in: password, then
      the account's second factor — never by a password typed here;
    - a new account for an address that has none, created with `password` (`account_exists` if it has one).
    Tells the inviter."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "open":
        raise DomainError(
            _("This invitation is %(status)s.") % {"status": INVITATION_STATUS_WORDS[invitation.status]},
            code=f"invitation_{invitation.status}",
        )
    if user is None:
        if not password:
            raise DomainError(_("Enter a password."), code="password_required")
        user = user_create(email=invitation.email, password=password, full_name=full_name)
    elif user.email.lower() != invitation.email:
        raise DomainError(_("This invitation was sent to another e-mail address."), code="wrong_user", status=403)
    membership = membership_create(user=user, role=invitation.role, partner_org=invitation.partner_org, actor=user)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(action="invitation.accept", actor=user, obj=invitation)
    notify(
        recipients=[invitation.invited_by],
        title=f"{user.email} accepted your invitation",
        body=f"{user.email} joined as {invitation.get_role_display()}.",
        link="/users/",
    )
    return membership


def invitation_account(invitation):
    """The existing account (of any portal) with the invited e-mail, or None. Users are platform rows."""
    return User.objects.filter(email=invitation.email).first()


def invitation_send_email(*, invitation_id):
    from prm.notifications.email import portal_url, send_branded_email

    tenant = require_current_tenant()
    invitation = Invitation.objects.select_related("partner_org", "invited_by").get(pk=invitation_id)
    if invitation.status != "open":
        return False
    send_branded_email(
        tenant=tenant,
        to=[invitation.email],
        subject="You are invited to the partner portal",
        template="accounts/email/invitation",
        context={
            "invitation": invitation,
            "accept_url": portal_url(tenant, f"/invitations/{invitation_token(invitation)}/"),
        },
    )
    return True


# --- API tokens --------------------------------------------------------------------------------------------


@transaction.atomic
def api_token_create(*, user, name):
    """Create a personal API token. Returns (token, key); the key is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the token a name, e.g. the system that will use it."), code="name_required")
    refuse_control_characters(name=name)
    if len(name) > 100:
        raise DomainError(_("Token names have at most 100 characters."), code="name_too_long")
    key = f"prm_{secrets.token_urlsafe(30)}"
    token = ApiToken.objects.create(user=user, name=name, key_prefix=key[:10], key_hash=hash_key(key))
    record(action="api_token.create", actor=user, obj=token)
    return token, key


@transaction.atomic
def api_token_revoke(*, token, actor):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(action="api_token.revoke", actor=actor, obj=token)
    return token
