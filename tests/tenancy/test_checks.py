"""The tenancy system checks (prm.tenancy.checks): the project passes them, and each rule reports a model,
serializer or form that breaks it."""

from django import forms
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from rest_framework import serializers

from prm.accounts.models import PartnerOrg
from prm.api.fields import ScopedRelatedField
from prm.tenancy.checks import check_forms, check_models, check_serializers, tenancy_check
from prm.tenancy.fields import TenantForeignKey
from prm.tenancy.models import TenantModel


def ids(errors):
    return sorted((error.msg.split(":")[0], error.id) for error in errors)


def test_the_project_passes_the_tenancy_checks():
    assert tenancy_check() == []
    call_command("check")  # raises on any error, ours included


@isolate_apps("prm.tenancy")
def test_unique_keys_and_indexes_of_a_tenant_table_must_start_with_tenant():
    class Gadget(TenantModel):
        code = models.CharField(max_length=10, unique=True)
        colour = models.CharField(max_length=10, db_index=True)
        size = models.IntegerField()

        class Meta:
            app_label = "tenancy"
            constraints = [
                models.UniqueConstraint(fields=["code", "size"], name="gadget_code_size"),
                models.UniqueConstraint(fields=["tenant", "size"], name="gadget_size_ok"),
            ]
            indexes = [
                models.Index(fields=["size"], name="gadget_size_idx"),
                models.Index(fields=["-tenant", "size"], name="gadget_tenant_size_ok"),
            ]

    assert ids(check_models([Gadget])) == [
        ("tenancy.Gadget", "tenancy.E001"),  # gadget_code_size
        ("tenancy.Gadget", "tenancy.E002"),  # gadget_size_idx
        ("tenancy.Gadget.code", "tenancy.E001"),
        ("tenancy.Gadget.colour", "tenancy.E002"),
    ]


@isolate_apps("prm.tenancy")
def test_a_relation_between_tenant_tables_must_be_a_tenant_foreign_key():
    class Box(TenantModel):
        class Meta:
            app_label = "tenancy"

    class Plain(models.Model):
        class Meta:
            app_label = "tenancy"

    class Item(TenantModel):
        box = models.ForeignKey(Box, on_delete=models.CASCADE, db_index=False)
        scoped_box = TenantForeignKey(Box, on_delete=models.CASCADE, related_name="+")
        boxes = models.ManyToManyField(Box, related_name="+")

        class Meta:
            app_label = "tenancy"

    class Label(models.Model):
        item = TenantForeignKey(Item, on_delete=models.CASCADE)  # a platform table: no tenant to join on

        class Meta:
            app_label = "tenancy"

    assert ids(check_models([Box, Plain, Item, Label])) == [
        ("tenancy.Item.box", "tenancy.E003"),
        ("tenancy.Item.boxes", "tenancy.E003"),
        ("tenancy.Label.item", "tenancy.E004"),
    ]


def test_a_writable_relation_of_a_serializer_to_a_tenant_table_must_be_scoped():
    class Unscoped(serializers.Serializer):
        partner = serializers.PrimaryKeyRelatedField(queryset=PartnerOrg.all_tenants.all())
        partners = serializers.PrimaryKeyRelatedField(queryset=PartnerOrg.all_tenants.all(), many=True)

    class Scoped(serializers.Serializer):
        partner = ScopedRelatedField(PartnerOrg)
        shown = serializers.PrimaryKeyRelatedField(read_only=True)

    class Modelled(serializers.ModelSerializer):  # ModelSerializer's own relation fields are unscoped
        class Meta:
            model = PartnerOrg
            fields = ["id", "name", "channel_manager"]

    errors = check_serializers([Unscoped, Scoped, Modelled])
    assert [e.msg.split(":")[0].rsplit(".", 2)[-2:] for e in errors] == [
        ["Unscoped", "partner"],
        ["Unscoped", "partners"],
        ["Modelled", "channel_manager"],
    ]
    assert {e.id for e in errors} == {"tenancy.E005"}


def test_a_form_choice_of_tenant_rows_must_be_set_at_request_time():
    class Unscoped(forms.Form):
        partner = forms.ModelChoiceField(queryset=PartnerOrg.all_tenants.all())

    class SetInInit(forms.Form):
        partner = forms.ModelChoiceField(queryset=PartnerOrg.all_tenants.none())

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["partner"].queryset = PartnerOrg.objects.all()

    errors = check_forms([Unscoped, SetInInit])
    assert [(e.msg.split(":")[0].rsplit(".", 2)[-2:], e.id) for e in errors] == [
        (["Unscoped", "partner"], "tenancy.E006")
    ]
