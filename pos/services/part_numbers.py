from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from pos.models import PartnerPartNumber
from pos.services.imports import partner_for_upload
from prm.audit.services import record
from prm.catalog.models import Product
from prm.services import Conflict, DomainError


@transaction.atomic
def partner_part_number_create(*, actor_membership, partner_sku, product_sku, partner_org=None):
    """Tell the portal that a partner's part number means one of the vendor's products."""
    partner_org = partner_for_upload(actor_membership, partner_org)
    partner_sku = (partner_sku or "").strip()
    if not partner_sku or len(partner_sku) > 64:
        raise DomainError(_("A partner part number has 1 to 64 characters."), code="invalid_partner_sku")
    product = Product.objects.filter(sku__iexact=(product_sku or "").strip()).first()
    if product is None:
        raise DomainError(_("No product has the SKU '%(sku)s'.") % {"sku": product_sku}, code="unknown_sku")
    try:
        with transaction.atomic():
            number = PartnerPartNumber.objects.create(partner_org=partner_org, partner_sku=partner_sku, product=product)
    except IntegrityError as exc:
        raise Conflict(
            _("%(sku)s is already mapped for %(partner)s.") % {"sku": partner_sku, "partner": partner_org.name},
            code="duplicate_partner_sku",
        ) from exc
    record(
        action="pos_part_number.create",
        actor=actor_membership.user,
        obj=number,
        after={"partner_org": str(partner_org.pk), "partner_sku": partner_sku, "product": product.sku},
    )
    return number
