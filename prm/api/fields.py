import pycountry
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.UUID)
class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id resolved through the model's tenant-scoped manager when the request is parsed
    (never at import time), so another tenant's id is simply "does not exist"."""

    def __init__(self, model, **kwargs):
        self.model = model
        self.filter_kwargs = kwargs.pop("filter", {})
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.filter(**self.filter_kwargs)


COUNTRY_CHOICES = sorted((c.alpha_2, c.name) for c in pycountry.countries)
CURRENCY_CHOICES = sorted((c.alpha_3, c.name) for c in pycountry.currencies)


class CountryField(serializers.ChoiceField):
    """An ISO 3166-1 alpha-2 code, upper case (an enum in the schema)."""

    def __init__(self, **kwargs):
        super().__init__(COUNTRY_CHOICES, **kwargs)


class CurrencyField(serializers.ChoiceField):
    """An ISO 4217 code, upper case (an enum in the schema)."""

    def __init__(self, **kwargs):
        super().__init__(CURRENCY_CHOICES, **kwargs)
