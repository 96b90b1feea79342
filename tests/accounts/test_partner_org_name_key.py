"""A partner organisation's name key (prm.companies.company_key of its name), kept by the partner org services and
backfilled for older organisations (migration accounts 0006): what a reporting reseller is matched on."""

import importlib

from django.apps import apps as django_apps
from django.db import connection

from prm.accounts.models import PartnerOrg
from prm.accounts.services import partner_org_create, partner_org_update
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import membership_of

backfill_migration = importlib.import_module("prm.accounts.migrations.0006_partnerorg_name_key")


def test_creating_and_renaming_a_partner_org_keeps_its_name_key(world):
    with tenant_scope(world.tenant_a):
        alice = membership_of(world.alice, world.tenant_a)
        org = partner_org_create(
            actor_membership=alice, name="Nimbus IT GmbH & Co. KG", partner_type="reseller", country="DE"
        )
        assert PartnerOrg.objects.get(pk=org.pk).name_key == "nimbus it"

        partner_org_update(actor_membership=alice, org=org, name="Société Nimbus S.A.")
        assert PartnerOrg.objects.get(pk=org.pk).name_key == "societe nimbus"

        partner_org_update(actor_membership=alice, org=org, country="FR")
        assert PartnerOrg.objects.get(pk=org.pk).name_key == "societe nimbus"


class SchemaEditor:
    connection = connection


def test_the_backfill_keys_every_tenants_partner_orgs(world):
    for tenant in (world.tenant_a, world.tenant_b):
        with tenant_scope(tenant):
            PartnerOrg.objects.update(name_key="")

    backfill_migration.backfill_name_keys(django_apps, SchemaEditor())

    with tenant_scope(world.tenant_a):
        keys_a = dict(PartnerOrg.objects.values_list("name", "name_key"))
    with tenant_scope(world.tenant_b):
        keys_b = dict(PartnerOrg.objects.values_list("name", "name_key"))
    assert keys_a == {"Alpha Resellers": "alpha resellers", "Beta Distribution": "beta distribution"}
    assert keys_b == {"Gamma Partners": "gamma partners"}
