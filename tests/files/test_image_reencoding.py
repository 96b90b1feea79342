"""Images are decoded by Pillow and stored re-encoded: a GIF/HTML polyglot passes the magic-byte check but
the stored file holds only pixels; what Pillow cannot decode, and pictures with too many pixels (a
decompression bomb), are refused before anything is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from prm.files.models import StoredFile
from prm.files.services import stored_file_create, stored_file_open
from prm.files.validation import UploadRejected
from prm.tenancy.context import tenant_scope

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def gif_html_polyglot():
    """A valid GIF whose comment block and trailer carry an HTML page (a browser sniffing it sees HTML)."""
    return encoded(Image.new("P", (2, 2)), "GIF", comment=HTML) + HTML


def store_image(world, content, name="logo.gif"):
    with tenant_scope(world.tenant_a):
        return stored_file_create(
            upload=SimpleUploadedFile(name, content), purpose=StoredFile.Purpose.LOGO, allowed={"image"}, public=True
        )


def stored_bytes(world, stored):
    with tenant_scope(world.tenant_a), stored_file_open(stored) as handle:
        return handle.read()


def refused_code(world, content):
    with pytest.raises(UploadRejected) as caught:
        store_image(world, content)
    with tenant_scope(world.tenant_a):
        assert not StoredFile.objects.exists()
    return caught.value.code


def test_a_gif_html_polyglot_is_stored_as_a_png_without_the_html(world):
    polyglot = gif_html_polyglot()
    assert polyglot.startswith(b"GIF89a") and HTML in polyglot
    stored = store_image(world, polyglot)
    content = stored_bytes(world, stored)
    assert b"<script" not in content and b"<html" not in content
    assert content.startswith(b"\x89PNG")
    assert (stored.content_type, stored.storage_path[-4:], stored.size) == ("image/png", ".png", len(content))
    assert stored.original_name == "logo.gif"
    assert Image.open(io.BytesIO(content)).size == (2, 2)


def test_a_jpeg_stays_a_jpeg_and_loses_its_comment(world):
    jpeg = encoded(Image.new("RGB", (8, 8), "red"), "JPEG", comment=HTML)
    assert HTML in jpeg
    content = stored_bytes(world, stored := store_image(world, jpeg, "photo.jpg"))
    assert stored.content_type == "image/jpeg" and content.startswith(b"\xff\xd8")
    assert HTML not in content


def test_a_garbage_image_with_a_gif_header_is_refused_as_unreadable(world):
    assert refused_code(world, b"GIF89a" + b"\xde\xad\xbe\xef" * 64) == "unreadable_image"


def test_a_truncated_png_is_refused_as_unreadable(world):
    png = encoded(Image.new("RGB", (64, 64), "blue"), "PNG")
    assert refused_code(world, png[: len(png) // 2]) == "unreadable_image"


def test_a_picture_with_more_pixels_than_allowed_is_refused_before_decoding(world, settings):
    settings.PRM_IMAGE_MAX_PIXELS = 100 * 100
    bomb = encoded(Image.new("1", (101, 100)), "PNG")
    assert refused_code(world, bomb) == "image_too_large"


def test_a_polyglot_logo_is_served_from_the_portal_as_a_png(world):
    client = world.client(world.alice)
    response = client.post(
        "/branding/",
        {
            "portal_name": "Acme",
            "primary_colour": "#123456",
            "accent_colour": "#abcdef",
            "email_sender_name": "Acme",
            "email_sender_address": "channel@acme.test",
            "logo": SimpleUploadedFile("logo.gif", gif_html_polyglot(), content_type="image/gif"),
        },
    )
    assert response.status_code == 302
    served = world.client(None).get("/branding/logo/")
    body = b"".join(served.streaming_content)
    assert served["Content-Type"] == "image/png"
    assert b"<script" not in body
