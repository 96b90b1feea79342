from django.db.models import Q

from prm.accounts.permissions import is_partner, is_vendor_staff
from prm.files.models import StoredFile


def downloadable_files(membership):
    """The current tenant's files `membership` may download (None = anonymous: public files only)."""
    files = StoredFile.objects.all()
    if is_vendor_staff(membership):
        return files
    if is_partner(membership):
        return files.filter(staff_only=False).filter(
            Q(partner_org__isnull=True) | Q(partner_org_id=membership.partner_org_id)
        )
    return files.filter(public=True)
