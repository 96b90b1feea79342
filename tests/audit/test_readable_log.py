"""The audit log reads as sentences: who (a name, "System" or "Deleted user"), what was done to which object (its
name linked to its page where the viewer may open it), only the fields that changed with values by their names,
in the tenant's time zone; filters by name, not by id; a bad filter lists nothing; a page costs a fixed number of
queries; another tenant's events and names never show; French."""

import datetime
import html
import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from prm.accounts.models import Role
from prm.accounts.services import invitation_create, partner_org_deactivate, partner_org_update
from prm.audit import registry
from prm.audit.display import describe_events
from prm.audit.models import AuditEvent
from prm.audit.services import record
from prm.catalog.services import product_create, product_update
from prm.tenancy.context import tenant_scope, unscoped
from prm.tenancy.models import Tenant
from prm.tenancy.services import tenant_update_branding
from prm.territories.services import territory_create, territory_delete
from tests.accounts.helpers import membership_of
from tests.conftest import make_member
from tests.factories import UserFactory

AUDIT = "/audit/"


def text_of(response):
    return html.unescape(response.content.decode())


def table_of(response):
    """The events' table (the filter form's options carry the codes as their values)."""
    text = text_of(response)
    return text[text.index("<table") : text.index("</table>")]


def rows_of(response):
    assert response.status_code == 200, response.status_code
    return response.context["rows"]


@pytest.fixture
def admin(world):
    return membership_of(world.alice, world.tenant_a)


@pytest.fixture
def deactivated(world, admin, django_capture_on_commit_callbacks):
    with tenant_scope(world.tenant_a), django_capture_on_commit_callbacks(execute=True):
        partner_org_deactivate(actor_membership=admin, partner_org=world.org1, reason="Contract ended")
    return world.org1


def row_for(rows, action):
    [row] = [row for row in rows if row.event.action == action]
    return row


# --- each row ------------------------------------------------------------------------------------------------


def test_a_status_change_reads_as_a_sentence_naming_the_partner_with_a_link(world, deactivated):
    response = world.client(world.alice).get(AUDIT)
    text = table_of(response)

    link = f'<a href="/partner-orgs/{world.org1.pk}/">Alpha Resellers</a>'
    assert f"Changed the status of partner organisation {link}" in text
    row = row_for(rows_of(response), "partner_org.status_change")
    assert row.action_text == "Changed the status of partner organisation Alpha Resellers"
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Status", "Active", "Inactive")]
    assert row.reason == "Contract ended" and "Contract ended" in text
    assert row.actor_name == world.alice.full_name and row.actor_detail == "alice@acme.test"
    for code in ("partner_org.status_change", "membership.deactivate", "accounts.partnerorg", "transition", "{'"):
        assert code not in text


def test_the_users_switched_off_with_their_organisation_are_named(world, deactivated):
    rows = rows_of(world.client(world.alice).get(AUDIT))

    removed = sorted(row.action_text for row in rows if row.event.action == "membership.deactivate")
    assert removed == sorted(f"Removed the access of {user.full_name}" for user in (world.pat, world.una))


def test_an_invitation_reads_invited_and_its_partner_and_role_by_name(world, admin):
    with tenant_scope(world.tenant_a):
        invitation_create(
            actor_membership=admin, email="new@alpha.test", role=Role.PARTNER_USER, partner_org=world.org1
        )
    response = world.client(world.alice).get(AUDIT)

    row = row_for(rows_of(response), "invitation.create")
    assert row.action_text == "Invited new@alpha.test"
    assert {(c.label, c.new) for c in row.changes} == {
        ("E-mail", "new@alpha.test"),
        ("Role", "Partner user"),
        ("Partner organisation", "Alpha Resellers"),
    }
    assert str(world.org1.pk) not in text_of(response)  # the partner is named, its id nowhere


def test_a_related_objects_id_is_shown_by_its_name(world, admin):
    bob = membership_of(world.bob, world.tenant_a)
    with tenant_scope(world.tenant_a):
        partner_org_update(org=world.org2, actor_membership=admin, channel_manager=bob)
    response = world.client(world.alice).get(AUDIT)

    row = row_for(rows_of(response), "partner_org.update")
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Channel manager", "—", world.bob.full_name)]
    assert str(bob.pk) not in text_of(response)


def test_only_the_fields_that_changed_are_listed(world, admin):
    with tenant_scope(world.tenant_a):
        product = product_create(actor_membership=admin, sku="AX-100", name="Router", family="Edge")
        product_update(product=product, actor_membership=admin, name="Router 2")
    rows = rows_of(world.client(world.alice).get(AUDIT))

    updated = row_for(rows, "product.update")
    assert updated.action_text == "Changed product AX-100 — Router 2"
    assert [(c.label, c.old, c.new) for c in updated.changes] == [("Name", "Router", "Router 2")]
    created = row_for(rows, "product.create")  # a new object: what it was created with, no "before"
    assert {(c.label, c.old, c.new) for c in created.changes} == {
        ("SKU", None, "AX-100"),
        ("Name", None, "Router"),
        ("Family", None, "Edge"),
        ("Active", None, "Yes"),
    }


def test_a_save_that_changes_nothing_records_no_event(world, admin):
    with tenant_scope(world.tenant_a):
        product = product_create(actor_membership=admin, sku="AX-100", name="Router")
        product_update(product=product, actor_membership=admin, sku="AX-100", name="Router", family="", active=True)
        tenant_update_branding(tenant=world.tenant_a, actor_membership=admin, portal_name=world.tenant_a.portal_name)
        assert not AuditEvent.objects.filter(action__in=["product.update", "tenant.branding_update"]).exists()
        assert record(action="x.update", obj=product, before={"name": "A"}, after={"name": "A"}) is None


def test_an_event_whose_before_is_its_after_lists_no_change(world, admin):
    with tenant_scope(world.tenant_a):  # as rows written before record() refused them
        AuditEvent.objects.create(action="product.update", before={"name": "Same"}, after={"name": "Same"})
        [row] = describe_events(AuditEvent.objects.select_related("actor"), viewer=admin)
    assert row.changes == []


def test_a_deleted_object_keeps_its_recorded_name_without_a_link(world, admin):
    with tenant_scope(world.tenant_a):
        territory = territory_create(actor_membership=admin, name="Nordics", code="NORD", countries=["SE"])
        territory_delete(actor_membership=admin, territory=territory)
    response = world.client(world.alice).get(AUDIT)

    rows = rows_of(response)
    assert row_for(rows, "territory.delete").action_text == "Deleted territory Nordics"
    assert row_for(rows, "territory.delete").object_url is None
    assert f"/territories/{territory.pk}/" not in text_of(response)


def test_a_link_is_offered_only_to_a_viewer_who_may_open_the_page(world, admin):
    with tenant_scope(world.tenant_a):
        tenant_update_branding(tenant=world.tenant_a, actor_membership=admin, primary_colour="#004488")
        analyst = make_member(Role.ANALYST, email="ann@acme.test").memberships.get()
        events = AuditEvent.objects.select_related("actor").filter(action="tenant.branding_update")
        [for_admin] = describe_events(events, viewer=admin)
        [for_analyst] = describe_events(events, viewer=analyst)

    assert for_admin.object_url == "/branding/"  # vendor admins configure the portal
    assert for_analyst.object_url is None and "<a " not in for_analyst.action_html
    assert for_analyst.action_text == f"Changed the branding of {world.tenant_a.name}"
    assert [(c.label, c.old, c.new) for c in for_admin.changes] == [("Primary colour", "#aa0000", "#004488")]


def test_the_actor_is_named_or_system_or_deleted_user(world):
    leaver = UserFactory(email="leaver@acme.test", full_name="Lee Leaver")
    with tenant_scope(world.tenant_a):
        record(action="product.create", actor=leaver, obj=world.org1)
        record(action="partner_org.update", obj=world.org1, before={"name": "A"}, after={"name": "B"})
    with unscoped():
        leaver.delete()
    rows = rows_of(world.client(world.alice).get(AUDIT))

    assert (row_for(rows, "product.create").actor_name, row_for(rows, "product.create").actor_detail) == (
        "Deleted user",
        "leaver@acme.test",
    )
    assert row_for(rows, "partner_org.update").actor_name == "System"


def test_the_time_is_shown_in_the_tenants_time_zone(world):
    with unscoped():
        Tenant.objects.filter(pk=world.tenant_a.pk).update(time_zone="Europe/Paris")
    late_evening = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
    with tenant_scope(world.tenant_a), mock.patch.object(timezone, "now", return_value=late_evening):
        record(action="partner_org.create", actor=world.alice, obj=world.org1)
    client = world.client(world.alice)

    assert "11 Mar 2026, 00:30" in text_of(client.get(AUDIT))
    assert len(rows_of(client.get(AUDIT, {"date_from": "2026-03-11", "date_to": "2026-03-11"}))) == 1
    assert rows_of(client.get(AUDIT, {"date_to": "2026-03-10"})) == []


# --- filters -------------------------------------------------------------------------------------------------


@pytest.fixture
def assorted(world, admin, deactivated):
    with tenant_scope(world.tenant_a):
        product_create(actor_membership=admin, sku="NW-1", name="Northwind Switch")
        record(action="tier.reevaluate", obj=world.org2)
    return world


def actions_listed(response):
    return {row.event.action for row in rows_of(response)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "ALICE@acme"}, {"partner_org.status_change", "membership.deactivate", "product.create"}),
        ({"actor": "system"}, {"tier.reevaluate"}),
        ({"object_type": "catalog.product"}, {"product.create"}),
        ({"action": "partner_org.status_change"}, {"partner_org.status_change"}),
        ({"object_name": "northwind"}, {"product.create"}),
        ({"object_name": "alpha RES"}, {"partner_org.status_change"}),
        ({"object_name": "beta", "actor": "system"}, {"tier.reevaluate"}),
    ],
    ids=["actor-email", "system", "object-type", "action", "object-name", "object-name-case", "combined"],
)
def test_the_log_filters_by_names(assorted, query, expected):
    assert actions_listed(assorted.client(assorted.alice).get(AUDIT, query)) == expected


def test_the_actor_filter_takes_part_of_a_name(assorted):
    first_name = assorted.alice.full_name.split()[0]
    assert "partner_org.status_change" in actions_listed(
        assorted.client(assorted.alice).get(AUDIT, {"actor": first_name})
    )


def test_the_filters_offer_readable_types_and_actions(world):
    form = world.client(world.alice).get(AUDIT).context["form"]
    types = dict(form.fields["object_type"].choices)
    actions = dict(form.fields["action"].choices)
    assert types["accounts.partnerorg"] == "Partner organisation"
    assert types["pos.posimport"] == "Sales report"  # registered by POS, which the core does not import
    assert actions["partner_org.status_change"] == "Changed the status of partner organisation …"
    assert actions["invitation.create"] == "Invited …"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "31/31/2026"}, "date_from", ""),  # the date field's own wording
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to", "The end date is before the start date."),
        ({"action": "no.such_action"}, "action", "Select a valid choice."),
    ],
    ids=["bad-date", "reversed-range", "unknown-action"],
)
def test_a_bad_filter_answers_400_with_its_message_and_lists_nothing(assorted, query, field, message):
    response = assorted.client(assorted.alice).get(AUDIT, query)

    assert response.status_code == 400
    [error] = response.context["form"].errors[field]
    assert message in error and error in text_of(response)
    assert response.context["rows"] == []
    assert "Alpha Resellers" not in text_of(response)


def test_a_history_link_shows_one_objects_events_by_its_name(assorted):
    response = assorted.client(assorted.alice).get(AUDIT, {"object_id": str(assorted.org1.pk)})

    assert actions_listed(response) == {"partner_org.status_change"}
    assert "The history of Alpha Resellers." in text_of(response)


# --- cost, tenancy, language, completeness ------------------------------------------------------------------


def _many_events(world, admin, first, count):
    with tenant_scope(world.tenant_a):
        for n in range(first, first + count):
            product = product_create(actor_membership=admin, sku=f"Q-{n}", name=f"Item {n}")
            product_update(product=product, actor_membership=admin, name=f"Item {n}b")
            invitation_create(
                actor_membership=admin, email=f"q{n}@alpha.test", role=Role.PARTNER_USER, partner_org=world.org1
            )
            territory_create(actor_membership=admin, name=f"T{n}", code=f"T{n}", countries=())
            record(action="membership.deactivate", actor=make_member(Role.ANALYST), obj=admin, reason="x")


def test_a_page_costs_the_same_few_queries_however_many_events_and_objects(world, admin, django_assert_max_num_queries):
    client = world.client(world.alice)
    client.get(AUDIT)  # the session and the user, cached as on every later request
    _many_events(world, admin, 0, 2)
    with django_assert_max_num_queries(20) as small:
        assert client.get(AUDIT).status_code == 200
    _many_events(world, admin, 2, 9)  # 45 events: most of a page, as many objects and actors
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        response = client.get(AUDIT)
    assert len(rows_of(response)) == 50  # a full page
    assert len(large.captured_queries) == len(small.captured_queries)


def test_another_tenants_events_and_names_never_show(world, admin):
    with tenant_scope(world.tenant_b):
        record(action="partner_org.create", actor=world.charlie, obj=world.org_b)
    with tenant_scope(world.tenant_a):  # an id of another tenant's row (as no service writes): not looked up there
        record(action="territory.assign_partner_org", obj=world.org1, after={"partner_org": str(world.org_b.pk)})
    client = world.client(world.alice)

    response = client.get(AUDIT)
    text = text_of(response)
    assert "Gamma Partners" not in text and "charlie@globex.test" not in text
    [row] = rows_of(response)
    assert [(c.label, c.new) for c in row.changes] == [("Partner organisation", "(deleted)")]
    assert rows_of(client.get(AUDIT, {"object_name": "gamma"})) == []
    assert rows_of(client.get(AUDIT, {"actor": "charlie"})) == []


def test_the_log_reads_in_french(world, deactivated):
    client = world.client(world.alice)
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})

    response = client.get(AUDIT)
    row = row_for(rows_of(response), "partner_org.status_change")
    assert row.action_text == "A modifié le statut de l'organisation partenaire Alpha Resellers"
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Statut", "Actif", "Inactif")]
    text = table_of(response)
    assert "Statut :</span> Actif → Inactif" in text
    assert "Changed the status" not in text
    form = response.context["form"]
    assert dict(form.fields["object_type"].choices)["accounts.partnerorg"] == "Organisation partenaire"


def test_every_action_the_code_records_has_a_readable_label():
    recorded = set()
    pattern = re.compile(r"""(?:\baction|audit_action)\s*=\s*"([a-z_]+\.[a-z_]+)\"""")
    for package in ("prm", "pos", "partners", "dealreg", "mdf", "incentives", "inventory", "analytics"):
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            recorded.update(pattern.findall(path.read_text()))
    assert "partner_org.status_change" in recorded and "pos_import.create" in recorded
    assert sorted(code for code in recorded if registry.audit_action(code) is None) == []


# --- the API keeps its fields and adds readable ones -------------------------------------------------------


def test_the_api_adds_the_readable_action_and_type_to_its_fields(world, deactivated):
    results = world.client(world.alice).get("/api/v1/audit-events/", {"action": "partner_org.status_change"}).json()
    [event] = results["results"]
    assert event["action"] == "partner_org.status_change" and event["object_type"] == "accounts.partnerorg"
    assert event["before"] == {"status": "active"}
    assert event["action_label"] == "Changed the status of partner organisation Alpha Resellers"
    assert event["object_type_label"] == "partner organisation"
