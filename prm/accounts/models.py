import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel
from prm.validators import no_control_characters


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        """A platform operator (`manage.py createsuperuser`). Operators sign in through allauth, which signs in
        only verified addresses: the operator's own is verified here."""
        from allauth.account.models import EmailAddress

        user = self.create_user(email, password, is_staff=True, is_superuser=True, **extra)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Global, because one person may work with several vendors; what they may do in a
    tenant comes only from their `Membership` there. `is_staff` marks platform operators."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True, validators=[no_control_characters])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set by every new password (change, reset, an invitation's new account); API tokens created before it stop
    # working (prm.api.authentication). Empty for accounts whose password has not been set since it existed.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password):
        """Django's check, whose hash upgrade (a new hasher or more iterations) is not a password change: it
        re-hashes the same password without `set_password`, so tokens and sessions stay valid."""

        def upgrade_hash(password):
            self.password = make_password(password)
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade_hash)


class Role(models.TextChoices):
    VENDOR_ADMIN = "vendor_admin", _("Vendor admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    ANALYST = "analyst", _("Analyst")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_USER = "partner_user", _("Partner user")


VENDOR_ROLES = frozenset({Role.VENDOR_ADMIN, Role.CHANNEL_MANAGER, Role.ANALYST})
PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER})


class PartnerOrg(TenantModel):
    """A partner company inside a tenant (a reseller, distributor, …)."""

    class Type(models.TextChoices):
        DISTRIBUTOR = "distributor", _("Distributor")
        RESELLER = "reseller", _("Reseller")
        VAR = "var", _("Value-added reseller")
        SYSTEM_INTEGRATOR = "system_integrator", _("System integrator")
        MSP = "msp", _("Managed service provider")
        REFERRAL = "referral", _("Referral partner")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    # prm.companies.company_key(name), kept by the partner org services: what a reported reseller's name, a deal's
    # company or another record is matched on.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    partner_type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    channel_manager = TenantForeignKey(
        "accounts.Membership",
        verbose_name=_("channel manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_partner_orgs",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint("tenant", Lower("name"), name="partner_org_name_unique_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "channel_manager"], name="partner_org_manager_idx"),
            models.Index(fields=["tenant", "name_key"], name="partner_org_name_key_idx"),
        ]

    def __str__(self):
        return self.name


PARTNER_TYPES = PartnerOrg.Type.choices  # one enum in the API schema (SPECTACULAR_SETTINGS)


class Membership(TenantModel):
    """A user's role in one tenant. Partner roles belong to exactly one PartnerOrg, vendor roles to none."""

    # Looked up within a tenant: the (tenant, user) unique constraint serves it.
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    role = models.CharField(max_length=30, choices=Role.choices)
    partner_org = TenantForeignKey(
        PartnerOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    is_active = models.BooleanField(default=True)
    # Switched off by its partner organisation's deactivation (services.partner_org_deactivate), which its
    # reactivation undoes; removing the person's access on its own (membership_deactivate) clears it.
    deactivated_with_org = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_membership_per_user_per_tenant"),
            models.CheckConstraint(
                condition=~models.Q(is_active=True, deactivated_with_org=True),
                name="deactivated_with_org_only_when_inactive",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(r.value for r in PARTNER_ROLES), partner_org__isnull=False)
                    | models.Q(role__in=sorted(r.value for r in VENDOR_ROLES), partner_org__isnull=True)
                ),
                name="partner_roles_have_an_org_vendor_roles_none",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_org"], name="membership_partner_org_idx")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    @property
    def is_vendor_side(self):
        return self.role in VENDOR_ROLES

    @property
    def is_partner_side(self):
        return self.role in PARTNER_ROLES


class Invitation(TenantModel):
    """An invitation to join a tenant with a role. Only the SHA-256 of its token is stored."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    partner_org = TenantForeignKey(
        PartnerOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="invitation_token_unique"),
            models.UniqueConstraint(
                "tenant",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "partner_org"], name="invitation_partner_org_idx")]

    def __str__(self):
        return f"{self.email} → {self.get_role_display()}"

    @property
    def status(self):
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    STATUS_LABELS = {
        "open": pgettext_lazy("invitation status", "Open"),
        "accepted": pgettext_lazy("invitation status", "Accepted"),
        "revoked": pgettext_lazy("invitation status", "Revoked"),
        "expired": pgettext_lazy("invitation status", "Expired"),
    }

    def get_status_display(self):
        """The status as the pages show it (`status` is the code the API and the services use)."""
        return self.STATUS_LABELS[self.status]


class ApiToken(TenantModel):
    """A personal API token, valid only on its tenant's host. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", db_index=False)
    name = models.CharField(_("name"), max_length=100, validators=[no_control_characters])
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["tenant", "key_hash"], name="api_token_key_unique")]
        indexes = [models.Index(fields=["tenant", "user"], name="api_token_user_idx")]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"
