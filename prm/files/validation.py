"""Upload validation: size caps, type sniffed from the content (never the name or the browser's word),
and spreadsheet / zip bombs refused before anything parses them."""

import io
import warnings
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image

from prm.services import DomainError


class UploadRejected(ValueError):
    """The upload is refused; `code` is machine-readable, the message is for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_domain_error(self):
        """For a service: the API answers 413 for a file over the limit, 422 for its content."""
        return DomainError(self.message, code=self.code, status=413 if self.code == "file_too_large" else 422)


@dataclass(frozen=True)
class SniffedType:
    kind: str  # "image", "csv", "xlsx", "pdf"
    content_type: str
    extension: str


IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
# A photograph stays a JPEG; every other image is stored as a PNG (no comments, no metadata, no animation).
JPEG = SniffedType("image", "image/jpeg", "jpg")
PNG = SniffedType("image", "image/png", "png")
XLSX_MAX_ENTRIES = 10_000
XLSX_MAX_RATIO = 200
CSV_SNIFF_BYTES = 64 * 1024


def _read_head(upload, size):
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _check_xlsx(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UploadRejected("unsupported_type", _("This zip file is not an Excel workbook."))
            if len(entries) > XLSX_MAX_ENTRIES:
                raise UploadRejected("spreadsheet_bomb", _("The workbook has too many parts to be read safely."))
            total = sum(e.file_size for e in entries)
            packed = max(1, sum(e.compress_size for e in entries))
            if total > settings.PRM_XLSX_MAX_UNCOMPRESSED_BYTES or total / packed > XLSX_MAX_RATIO:
                raise UploadRejected(
                    "spreadsheet_bomb", _("The workbook expands to far more data than it holds; refused.")
                )
    except zipfile.BadZipFile as exc:
        raise UploadRejected("corrupt_file", _("The workbook is damaged and cannot be read.")) from exc
    finally:
        upload.seek(0)


def _looks_like_text(head):
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte UTF-8 character cut at the end of the sample is still text.
            if encoding == "utf-8-sig" and exc.start >= len(head) - 3:
                return True
    return False


def sniff(upload, *, allowed, max_bytes=None):
    """Return the upload's real type if it is one of `allowed` kinds, else raise UploadRejected."""
    limit = max_bytes or settings.PRM_UPLOAD_MAX_BYTES
    if upload.size == 0:
        raise UploadRejected("empty_file", _("The file is empty."))
    if upload.size > limit:
        raise UploadRejected("file_too_large", _("The file is larger than %(mb).1f MB.") % {"mb": limit / 1024 / 1024})
    head = _read_head(upload, CSV_SNIFF_BYTES)
    guessed = filetype.guess(head)
    if guessed is not None and guessed.mime in IMAGE_TYPES and "image" in allowed:
        return SniffedType("image", guessed.mime, IMAGE_TYPES[guessed.mime])
    if guessed is not None and guessed.mime == "application/pdf" and "pdf" in allowed:
        return SniffedType("pdf", "application/pdf", "pdf")
    if head.startswith(b"PK\x03\x04") and "xlsx" in allowed:
        _check_xlsx(upload)
        return SniffedType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    if guessed is None and "csv" in allowed and _looks_like_text(head):
        return SniffedType("csv", "text/csv", "csv")
    raise UploadRejected(
        "unsupported_type",
        _("This file's content is not an accepted type (%(kinds)s).") % {"kinds": ", ".join(sorted(allowed))},
    )


def reencode_image(upload, sniffed):
    """Decode the image with Pillow and return (ContentFile, SniffedType) of a fresh encoding of its pixels
    only: whatever else the file carried (an HTML or script polyglot in a comment or trailer, metadata) is
    gone. Refuses what Pillow cannot decode and pictures over PRM_IMAGE_MAX_PIXELS (decompression bombs)."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > settings.PRM_IMAGE_MAX_PIXELS:
                    raise UploadRejected(
                        "image_too_large",
                        _("The image is %(w)d × %(h)d pixels; at most %(max)d pixels in all are accepted.")
                        % {"w": width, "h": height, "max": settings.PRM_IMAGE_MAX_PIXELS},
                    )
                image.load()
                target = JPEG if sniffed == JPEG else PNG
                pixels = image.convert("RGB" if target == JPEG else "RGBA")
                pixels.info = {}  # Pillow would write the upload's comment, EXIF and ICC blocks back
                out = io.BytesIO()
                pixels.save(out, format="JPEG" if target == JPEG else "PNG", quality=90)
    except UploadRejected:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        message = _("The image is damaged or not a picture; it cannot be read.")
        raise UploadRejected("unreadable_image", message) from exc
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name=upload.name), target
