"""Branding: the vendor admin sets the portal's name, colours, sender and logo (audited before/after);
bad colours and fake or oversized logos are refused with nothing changed; the logo is served publicly on
the tenant's own host; every page carries the tenant's own colours."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prm.accounts.models import Membership
from prm.audit.models import AuditEvent
from prm.files.models import StoredFile
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant
from prm.tenancy.services import tenant_update_branding
from tests.factories.populate import PNG_1x1

VALID = {
    "portal_name": "Acme Partner Hub",
    "primary_colour": "#123456",
    "accent_colour": "#abcdef",
    "email_sender_name": "Acme Channel Team",
    "email_sender_address": "channel@acme.test",
}
BRANDING_FIELDS = ["portal_name", "primary_colour", "accent_colour", "email_sender_name", "email_sender_address"]


def branding_of(tenant):
    tenant = Tenant.objects.get(pk=tenant.pk)
    return {f: getattr(tenant, f) for f in BRANDING_FIELDS} | {"logo_id": tenant.logo_id}


def logo_upload(content=PNG_1x1, name="logo.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_vendor_admin_changes_the_branding_and_it_is_audited_with_before_and_after(world):
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "logo": logo_upload()})
    assert response.status_code == 302
    assert response["Location"] == "/branding/"
    after = branding_of(world.tenant_a)
    assert {f: after[f] for f in BRANDING_FIELDS} == VALID
    assert after["logo_id"] is not None
    with tenant_scope(world.tenant_a):
        event = AuditEvent.objects.get(action="tenant.branding_update")
        logo = StoredFile.objects.get(pk=after["logo_id"])
    assert event.actor == world.alice
    assert event.object_id == str(world.tenant_a.pk)
    assert event.before["primary_colour"] == before["primary_colour"] == "#aa0000"
    assert event.before["portal_name"] == "Acme Networks Partner Portal"
    assert event.before["logo"] is None
    assert {f: event.after[f] for f in BRANDING_FIELDS} == VALID
    assert event.after["logo"] == str(logo.pk)
    assert (logo.purpose, logo.public, logo.content_type) == (StoredFile.Purpose.LOGO, True, "image/png")


def test_branding_can_be_saved_without_a_new_logo(world):
    response = world.client(world.alice).post("/branding/", VALID)
    assert response.status_code == 302
    assert branding_of(world.tenant_a)["portal_name"] == "Acme Partner Hub"
    assert branding_of(world.tenant_a)["logo_id"] is None


@pytest.mark.parametrize("colour", ["red", "#12345", "#1234567", "#gggggg"])
def test_an_invalid_colour_is_refused_with_400_and_nothing_changes(world, colour):
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "primary_colour": colour})
    assert response.status_code == 400
    errors = response.context["form"].errors["primary_colour"]
    assert any("#1a6fb5" in e or "at most 7 characters" in e for e in errors), errors
    assert branding_of(world.tenant_a) == before
    with tenant_scope(world.tenant_a):
        assert not AuditEvent.objects.filter(action="tenant.branding_update").exists()


def test_an_invalid_accent_colour_is_refused_too(world):
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "accent_colour": "red"})
    assert response.status_code == 400
    assert "Use a colour like #1a6fb5." in response.context["form"].errors["accent_colour"]
    assert branding_of(world.tenant_a) == before


def test_an_invalid_sender_address_is_refused_and_nothing_changes(world):
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "email_sender_address": "not-an-address"})
    assert response.status_code == 400
    assert response.context["form"].errors["email_sender_address"]
    assert branding_of(world.tenant_a) == before


def test_an_over_long_sender_address_is_refused_with_400_not_a_server_error(world):
    # Valid for the form's e-mail validator (at most 320 characters), too long for the column (254).
    address = "a" * 60 + "@" + ("b" * 60 + ".") * 4 + "com"
    assert 254 < len(address) <= 320
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "email_sender_address": address})
    assert response.status_code == 400
    assert response.context["form"].errors["email_sender_address"]
    assert branding_of(world.tenant_a) == before


def test_a_fake_logo_is_refused_on_the_logo_field_and_nothing_changes(world):
    before = branding_of(world.tenant_a)
    fake = logo_upload(b"I am text pretending to be a PNG\n")
    response = world.client(world.alice).post("/branding/", {**VALID, "logo": fake})
    assert response.status_code == 400
    assert response.context["form"].errors["logo"] == ["This file's content is not an accepted type (image)."]
    assert branding_of(world.tenant_a) == before
    with tenant_scope(world.tenant_a):
        assert not StoredFile.objects.exists()


def test_an_svg_logo_is_refused(world):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = world.client(world.alice).post("/branding/", {**VALID, "logo": logo_upload(svg, "logo.svg")})
    assert response.status_code == 400
    assert response.context["form"].errors["logo"]
    assert branding_of(world.tenant_a)["logo_id"] is None


def test_a_logo_larger_than_the_image_limit_is_refused(world, settings):
    oversized = PNG_1x1 + b"\x00" * (settings.PRM_IMAGE_MAX_BYTES + 1 - len(PNG_1x1))
    assert len(oversized) == settings.PRM_IMAGE_MAX_BYTES + 1
    before = branding_of(world.tenant_a)
    response = world.client(world.alice).post("/branding/", {**VALID, "logo": logo_upload(oversized)})
    assert response.status_code == 400
    assert "The file is larger than 2.0 MB." in response.context["form"].errors["logo"]
    assert branding_of(world.tenant_a) == before
    with tenant_scope(world.tenant_a):
        assert not StoredFile.objects.exists()


@pytest.mark.parametrize("who", ["bob", "pat", "una"])
def test_channel_managers_and_partners_get_403_on_the_branding_page(world, who):
    client = world.client(getattr(world, who))
    before = branding_of(world.tenant_a)
    assert client.get("/branding/").status_code == 403
    assert client.post("/branding/", {**VALID, "logo": logo_upload()}).status_code == 403
    assert branding_of(world.tenant_a) == before


def test_the_logo_is_served_anonymously_on_the_tenants_own_host_only(world):
    world.client(world.alice).post("/branding/", {**VALID, "logo": logo_upload()})
    response = world.client(None).get("/branding/logo/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")  # re-encoded, not PNG_1x1's own bytes
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Tenant B has no logo: its host serves none (and never tenant A's).
    assert world.client(None, tenant=world.tenant_b).get("/branding/logo/").status_code == 404


def test_without_a_logo_the_logo_url_is_404(world):
    assert world.client(None).get("/branding/logo/").status_code == 404


def test_every_page_carries_the_tenants_own_colours_and_name(world):
    for url in ("/", "/catalog/products/", "/notifications/", "/branding/"):
        text = html.unescape(world.client(world.alice).get(url).content.decode())
        assert "--brand-primary: #aa0000" in text, url
        assert "Acme Networks Partner Portal" in text, url
    text = html.unescape(world.client(world.charlie).get("/").content.decode())
    assert "--brand-primary: #0000aa" in text
    assert "Globex Systems Partner Portal" in text
    assert "#aa0000" not in text
    assert "Acme" not in text


def test_new_colours_show_on_the_next_page(world):
    world.client(world.alice).post("/branding/", VALID)
    text = world.client(world.una).get("/").content.decode()
    assert "--brand-primary: #123456" in text
    assert "--brand-accent: #abcdef" in text
    assert "#aa0000" not in text


def test_a_light_brand_colour_gets_dark_bar_text_and_darker_links(world):
    """A tenant picking a light colour keeps a readable bar: dark text on it, links darkened on the white page."""
    assert world.client(world.alice).post("/branding/", {**VALID, "primary_colour": "#ffff66"}).status_code == 302

    text = world.client(world.una).get("/").content.decode()

    assert "--brand-primary: #ffff66; --brand-on-primary: #000000;" in text
    assert "--brand-link: #ffff66" not in text
    assert 'class="navbar navbar-expand-xl brand-bar"' in text  # not navbar-dark: a dark menu button


def test_a_dark_brand_colour_keeps_white_bar_text(world):
    text = world.client(world.una).get("/").content.decode()

    assert "--brand-primary: #aa0000; --brand-on-primary: #ffffff;" in text
    assert "--brand-link: #aa0000;" in text
    assert 'class="navbar navbar-expand-xl brand-bar navbar-dark"' in text


@pytest.mark.parametrize("who", ["bob", "pat"])
def test_the_branding_service_refuses_members_who_may_not_configure_the_portal(world, who):
    """The service checks the role itself, whoever calls it (not only the page's decorator)."""
    before = branding_of(world.tenant_a)
    with tenant_scope(world.tenant_a):
        actor = Membership.objects.select_related("user").get(user=getattr(world, who))
        with pytest.raises(DomainError) as refused:
            tenant_update_branding(tenant=world.tenant_a, actor_membership=actor, portal_name="Hijacked")
    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    assert branding_of(world.tenant_a) == before


def test_the_branding_service_refuses_a_vendor_admin_of_another_portal(world):
    before = branding_of(world.tenant_a)
    with tenant_scope(world.tenant_b):
        charlie = Membership.objects.select_related("user").get(user=world.charlie)
        with pytest.raises(DomainError) as refused:
            tenant_update_branding(tenant=world.tenant_a, actor_membership=charlie, portal_name="Hijacked")
    assert refused.value.code == "forbidden"
    assert branding_of(world.tenant_a) == before
