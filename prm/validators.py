"""Validators every app shares.

Names (of a portal, a sender, an organisation, a person, a product, a token, a template) are single lines of
text: they end up in e-mail headers (a CR/LF there stops the tenant's mail with BadHeaderError), CSV and XLSX
cells, page titles and log lines. `no_control_characters` is on every name-like model field (forms and
serializers inherit it); services that build rows without model validation call `refuse_control_characters`.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prm.services import DomainError

# Explicit direction controls can make a name read differently from what it holds (a spoofing classic).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Cc: C0/C1 controls (NUL, TAB, CR, LF, ESC, DEL …); Zl/Zp: the Unicode line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})
MESSAGE = _("Use one line of text without control characters (line breaks, tabs, NUL or direction marks).")


def has_control_characters(value):
    return any(ch in BIDI_CONTROLS or unicodedata.category(ch) in REFUSED_CATEGORIES for ch in str(value))


def no_control_characters(value):
    """Model and form field validator."""
    if has_control_characters(value):
        raise ValidationError(MESSAGE, code="control_characters")


def refuse_control_characters(**fields):
    """For services: raise DomainError(code="control_characters") naming the first field that holds one."""
    for field, value in fields.items():
        if value is not None and has_control_characters(value):
            label = field.replace("_", " ").capitalize()
            message = gettext("%(field)s: %(message)s") % {"field": label, "message": MESSAGE}
            raise DomainError(message, code="control_characters")


# The same rules as ECMA regular expressions, for the OpenAPI schema (prm.api.schema).
# What no_control_characters refuses: C0/C1 controls, line/paragraph separators, bidi controls.
CONTROL_CHARACTERS = r"\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"
NUL = r"\u0000"
# What str.strip() removes (str.isspace): a value made only of these is blank once DRF has trimmed it.
WHITESPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def text_pattern(*, refused, visible_required):
    """An ECMA regular expression for text without the `refused` characters and, when `visible_required`,
    with at least one character that is not whitespace."""
    allowed = f"[^{refused}]"
    if not visible_required:
        return f"^{allowed}*$"
    return f"^{allowed}*[^{refused}{WHITESPACE}]{allowed}*$"


# The e-mail addresses the API takes: ASCII, a dot-atom before the @, a domain of labels and a TLD of letters — a
# part of what Django's EmailValidator takes, so that what the schema allows is never refused (the API's schema
# states this pattern for e-mails, not the `email` format). Valid as an ECMA and as a Python expression.
EMAIL_PATTERN = (
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# The forms the schema's `date` and `uuid` formats state; the API reads only these (prm.api.serializers, filters).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def decimal_pattern(field):
    """The decimals a DRF DecimalField takes, as the schema states them: at least one digit, the field's digits
    either side of the point, no sign when negative amounts are refused (drf-spectacular's own pattern lets "-"
    and "." through). The API refuses a value that does not match (prm.api.serializers)."""
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    whole = f"[0-9]{{1,{field.max_digits - field.decimal_places}}}" if field.max_digits else "[0-9]+"
    if not field.decimal_places:
        return f"^{sign}{whole}$"
    places = field.decimal_places
    return f"^{sign}(?:{whole}(?:\\.[0-9]{{0,{places}}})?|\\.[0-9]{{1,{places}}})$"
