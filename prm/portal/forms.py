from django import forms
from django.utils.translation import gettext_lazy as _

from prm.forms import StyledForm
from prm.tenancy.models import hex_colour


class BrandingForm(StyledForm):
    portal_name = forms.CharField(label=_("Portal name"), max_length=120)
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        max_length=7,
        validators=[hex_colour],
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"), max_length=7, validators=[hex_colour], widget=forms.TextInput(attrs={"type": "color"})
    )
    email_sender_name = forms.CharField(label=_("E-mail sender name"), max_length=120, required=False)
    email_sender_address = forms.EmailField(label=_("E-mail sender address"), required=False)
    logo = forms.FileField(label=_("Logo (PNG, JPEG, WebP or GIF, at most 2 MB)"), required=False)
