"""Stored files live under the tenant's prefix and are served only through /files/<id>/ after a permission
check: vendor staff see all, partners their own organisation's and the tenant-wide ones, anonymous visitors
only public ones; anything not visible is 404."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.files.validation import UploadRejected
from prm.tenancy.context import tenant_scope
from tests.factories.populate import PNG_1x1

CSV = b"sku,name\nAX-100,Access switch\n"


def store(tenant, name="prices.csv", content=CSV, allowed=frozenset({"csv"}), **kwargs):
    with tenant_scope(tenant):
        return stored_file_create(
            upload=SimpleUploadedFile(name, content),
            purpose=StoredFile.Purpose.CATALOG_IMPORT,
            allowed=allowed,
            **kwargs,
        )


def body(response):
    """The streamed body; consuming it lets the test client close the file (and fire request_finished
    the way it expects: calling response.close() directly would close the test's database connection)."""
    return b"".join(response.streaming_content)


@pytest.fixture
def files(world):
    return {
        "org1": store(world.tenant_a, "org1.csv", partner_org=world.org1),
        "everyone": store(world.tenant_a, "everyone.csv"),
        "staff": store(world.tenant_a, "staff.csv", staff_only=True),
        "public": store(world.tenant_a, "logo.png", PNG_1x1, allowed={"image"}, public=True),
    }


def test_stored_files_live_under_the_tenants_prefix_in_media_root(world, settings):
    stored_a = store(world.tenant_a, "a.csv")
    stored_b = store(world.tenant_b, "b.csv", b"sku,name\nB-1,Bee\n")
    assert stored_a.storage_path.startswith(f"tenants/{world.tenant_a.pk}/")
    assert stored_b.storage_path.startswith(f"tenants/{world.tenant_b.pk}/")
    on_disk = Path(settings.MEDIA_ROOT) / stored_a.storage_path
    assert on_disk.read_bytes() == CSV
    assert stored_a.sha256 == hashlib.sha256(CSV).hexdigest()
    assert (stored_a.size, stored_a.content_type, stored_a.original_name) == (len(CSV), "text/csv", "a.csv")
    assert stored_a.storage_path.endswith(".csv")
    assert stored_a.tenant_id == world.tenant_a.pk


def test_the_stored_extension_comes_from_the_content_not_the_uploaded_name(world):
    stored = store(world.tenant_a, "logo.gif.exe", PNG_1x1, allowed={"image"})
    assert stored.storage_path.endswith(".png")
    assert stored.content_type == "image/png"


def test_a_refused_upload_stores_nothing(world, settings):
    with pytest.raises(UploadRejected):
        store(world.tenant_a, "fake.csv", PNG_1x1)
    with tenant_scope(world.tenant_a):
        assert not StoredFile.objects.exists()
    assert not (Path(settings.MEDIA_ROOT) / "tenants").exists()


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_vendor_staff_may_download_every_file_of_the_tenant(world, files, who):
    client = world.client(getattr(world, who))
    for key in ("org1", "everyone", "staff"):
        response = client.get(f"/files/{files[key].pk}/")
        assert response.status_code == 200, key
        assert body(response) == CSV
        assert response["Content-Disposition"].startswith("attachment;")


def test_a_partner_user_of_the_owning_org_may_download_its_file(world, files):
    response = world.client(world.una).get(f"/files/{files['org1'].pk}/")
    assert response.status_code == 200
    assert body(response) == CSV
    assert response["Content-Type"] == "text/csv"


def test_a_partner_user_of_another_org_gets_404(world, files):
    response = world.client(world.otto).get(f"/files/{files['org1'].pk}/")
    assert response.status_code == 404


def test_a_file_of_no_org_is_downloadable_by_every_member(world, files):
    for user in (world.una, world.otto):
        response = world.client(user).get(f"/files/{files['everyone'].pk}/")
        assert response.status_code == 200
        body(response)


@pytest.mark.parametrize("who", ["pat", "una", "otto"])
def test_a_staff_only_file_is_404_for_partners(world, files, who):
    assert world.client(getattr(world, who)).get(f"/files/{files['staff'].pk}/").status_code == 404


def test_anonymous_gets_404_for_non_public_files_and_the_public_file_inline(world, files):
    anonymous = world.client(None)
    for key in ("org1", "everyone", "staff"):
        assert anonymous.get(f"/files/{files[key].pk}/").status_code == 404, key
    response = anonymous.get(f"/files/{files['public'].pk}/")
    assert response.status_code == 200
    served = body(response)  # the stored re-encoding of PNG_1x1 (tests/files/test_image_reencoding.py)
    assert served.startswith(b"\x89PNG") and len(served) == files["public"].size
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")


def test_another_tenants_user_gets_404_even_for_a_public_file(world, files):
    charlie = world.client(world.charlie)
    for stored in files.values():
        assert charlie.get(f"/files/{stored.pk}/").status_code == 404


def test_downloads_carry_x_content_type_options_nosniff(world, files):
    for client, stored in ((world.client(world.alice), files["staff"]), (world.client(None), files["public"])):
        response = client.get(f"/files/{stored.pk}/")
        assert response.status_code == 200
        assert response["X-Content-Type-Options"] == "nosniff"
        body(response)
