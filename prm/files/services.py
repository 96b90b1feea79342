import hashlib
import uuid

from django.core.files.storage import default_storage
from django.db import transaction

from prm.files.models import StoredFile
from prm.files.validation import reencode_image, sniff
from prm.modules import is_file_purpose
from prm.tenancy.context import require_current_tenant


def _tenant_path(tenant, extension):
    return f"tenants/{tenant.pk}/{uuid.uuid4().hex}.{extension}"


@transaction.atomic
def stored_file_create(
    *, upload, purpose, allowed, uploaded_by=None, max_bytes=None, partner_org=None, staff_only=False, public=False
):
    """Validate `upload` (raises UploadRejected) and store it under the current tenant's prefix; an image is
    stored re-encoded (prm.files.validation.reencode_image), never as uploaded. `purpose` must be registered
    (prm.modules.register_file_purpose)."""
    if not is_file_purpose(purpose):
        raise ValueError(f"unknown file purpose {purpose!r}: register it with prm.modules.register_file_purpose")
    tenant = require_current_tenant()
    sniffed = sniff(upload, allowed=allowed, max_bytes=max_bytes)
    original_name = (upload.name or "upload")[:255]
    if sniffed.kind == "image":
        upload, sniffed = reencode_image(upload, sniffed)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    path = default_storage.save(_tenant_path(tenant, sniffed.extension), upload)
    return StoredFile.objects.create(
        purpose=purpose,
        original_name=original_name,
        content_type=sniffed.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        storage_path=path,
        partner_org=partner_org,
        staff_only=staff_only,
        public=public,
        uploaded_by=uploaded_by if uploaded_by is not None and uploaded_by.is_authenticated else None,
    )


def stored_file_open(stored_file):
    return default_storage.open(stored_file.storage_path, "rb")
