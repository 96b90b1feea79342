"""Partner organisations: created and edited on the page and through the API by vendor admins and channel
managers (analysts only read), with bad input refused on both, an audit event (actor, before, after) for every
create and update, a notification to the channel manager who is assigned, and list filters on page and API.
A status changes through the org's workflow (prm.workflow); every service checks the actor's role itself."""

import pytest

from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.services import partner_org_change_status, partner_org_create, partner_org_update
from prm.audit.models import AuditEvent
from prm.notifications.models import Notification
from prm.services import DomainError
from prm.tenancy.context import tenant_scope
from tests.accounts.helpers import membership_of, page_text
from tests.factories import PartnerOrgFactory

API = "/api/v1/partner-orgs/"


def _page_data(**overrides):
    return {"name": "Delta Integrators", "partner_type": "system_integrator", "country": "FR", "status": "active"} | (
        overrides
    )


def _api_data(**overrides):
    return {"name": "Delta Integrators", "partner_type": "system_integrator", "country": "FR"} | overrides


def _orgs(tenant):
    with tenant_scope(tenant):
        return {o.name: o for o in PartnerOrg.objects.all()}


def _events(tenant, action):
    with tenant_scope(tenant):
        return list(AuditEvent.objects.filter(action=action).order_by("created_at"))


def _notices(tenant, user):
    with tenant_scope(tenant):
        return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# --- create ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_a_vendor_admin_or_channel_manager_creates_an_org_on_the_page_and_it_is_audited(world, who):
    actor = getattr(world, who)
    bob_membership = membership_of(world.bob, world.tenant_a)

    response = world.client(actor).post(
        "/partner-orgs/new/", _page_data(channel_manager=str(bob_membership.pk), country="FR")
    )

    org = _orgs(world.tenant_a)["Delta Integrators"]
    assert response.status_code == 302
    assert response["Location"] == f"/partner-orgs/{org.pk}/"
    assert (org.partner_type, org.country, org.status, org.channel_manager_id) == (
        "system_integrator",
        "FR",
        "active",
        bob_membership.pk,
    )
    [event] = _events(world.tenant_a, "partner_org.create")
    assert (event.actor, event.actor_label, event.object_id) == (actor, actor.email, str(org.pk))
    assert event.before is None
    assert event.after == {
        "name": "Delta Integrators",
        "partner_type": "system_integrator",
        "country": "FR",
        "status": "active",
        "channel_manager": str(bob_membership.pk),
    }


def test_an_org_is_created_through_the_api_and_it_is_audited(world):
    bob_membership = membership_of(world.bob, world.tenant_a)

    response = world.client(world.alice).post(
        API, _api_data(country="FR", channel_manager=str(bob_membership.pk)), content_type="application/json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    org = _orgs(world.tenant_a)["Delta Integrators"]
    assert body["id"] == str(org.pk)
    assert (body["name"], body["country"], body["status"], body["channel_manager"]) == (
        "Delta Integrators",
        "FR",
        "active",
        str(bob_membership.pk),
    )
    [event] = _events(world.tenant_a, "partner_org.create")
    assert event.actor == world.alice
    assert event.after["name"] == "Delta Integrators"
    assert event.after["channel_manager"] == str(bob_membership.pk)


def test_assigning_a_channel_manager_at_creation_notifies_that_manager(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    bob_membership = membership_of(world.bob, world.tenant_a)

    with django_capture_on_commit_callbacks(execute=True):
        world.client(world.alice).post("/partner-orgs/new/", _page_data(channel_manager=str(bob_membership.pk)))

    assert _notices(world.tenant_a, world.bob) == ["You now manage Delta Integrators"]
    assert _notices(world.tenant_a, world.alice) == []
    assert [m.to for m in mailoutbox] == [["bob@acme.test"]]


def test_an_org_created_without_a_channel_manager_notifies_nobody(world):
    world.client(world.alice).post("/partner-orgs/new/", _page_data())

    assert "Delta Integrators" in _orgs(world.tenant_a)
    with tenant_scope(world.tenant_a):
        assert not Notification.objects.exists()


# --- bad input -------------------------------------------------------------------------------------------------


def _foreign_manager(world):
    return str(membership_of(world.charlie, world.tenant_b).pk)


def _partner_membership(world):
    return str(membership_of(world.una, world.tenant_a).pk)


PAGE_BAD_INPUT = [
    ("missing-name", lambda w: {"name": ""}, "This field is required."),
    ("blank-name", lambda w: {"name": "   "}, "This field is required."),
    ("country-XX", lambda w: {"country": "XX"}, "Select a valid choice. XX is not one of the available choices."),
    ("unknown-type", lambda w: {"partner_type": "wizard"}, "Select a valid choice. wizard is not one of"),
    (
        "duplicate-name-other-case",
        lambda w: {"name": "alpha RESELLERS"},
        "A partner organisation named 'alpha RESELLERS' exists already.",
    ),
    ("manager-of-tenant-b", lambda w: {"channel_manager": _foreign_manager(w)}, "Select a valid choice."),
    ("manager-is-partner-user", lambda w: {"channel_manager": _partner_membership(w)}, "Select a valid choice."),
]


@pytest.mark.parametrize(("change", "message"), [p[1:] for p in PAGE_BAD_INPUT], ids=[p[0] for p in PAGE_BAD_INPUT])
def test_bad_input_on_the_create_page_is_refused_with_a_message_and_creates_nothing(world, change, message):
    before = set(_orgs(world.tenant_a))

    response = world.client(world.alice).post("/partner-orgs/new/", _page_data(**change(world)))

    assert response.status_code == 400
    assert message in page_text(response)
    assert set(_orgs(world.tenant_a)) == before
    assert _events(world.tenant_a, "partner_org.create") == []


API_BAD_INPUT = [
    ("missing-name", lambda w: {"name": None}, 400, "invalid", "name"),
    ("blank-name", lambda w: {"name": ""}, 400, "invalid", "name"),
    ("country-XX", lambda w: {"country": "XX"}, 400, "invalid", "country"),
    ("country-lower-case", lambda w: {"country": "fr"}, 400, "invalid", "country"),
    ("unknown-type", lambda w: {"partner_type": "wizard"}, 400, "invalid", "partner_type"),
    (
        "duplicate-name-other-case",
        lambda w: {"name": "ALPHA resellers"},
        409,
        "duplicate_name",
        "A partner organisation named 'ALPHA resellers' exists already.",
    ),
    (
        "manager-of-tenant-b",
        lambda w: {"channel_manager": _foreign_manager(w)},
        422,
        "unprocessable",
        "channel_manager",
    ),
    (
        "manager-is-partner-user",
        lambda w: {"channel_manager": _partner_membership(w)},
        422,
        "unprocessable",
        "channel_manager",
    ),
]


@pytest.mark.parametrize(
    ("change", "status", "code", "where"), [p[1:] for p in API_BAD_INPUT], ids=[p[0] for p in API_BAD_INPUT]
)
def test_bad_input_to_the_api_answers_its_status_and_code_and_creates_nothing(world, change, status, code, where):
    before = set(_orgs(world.tenant_a))
    data = {k: v for k, v in _api_data(**change(world)).items() if v is not None}

    response = world.client(world.alice).post(API, data, content_type="application/json")

    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    if code in ("invalid", "unprocessable"):
        assert list(body["errors"]) == [where]
        assert body["errors"][where] and all(isinstance(m, str) and m for m in body["errors"][where])
    else:
        assert body["detail"] == where
    assert set(_orgs(world.tenant_a)) == before
    assert _events(world.tenant_a, "partner_org.create") == []


def test_the_api_answers_another_tenants_channel_manager_as_a_refused_field_and_leaks_nothing(world):
    foreign = _foreign_manager(world)

    response = world.client(world.alice).post(API, _api_data(channel_manager=foreign), content_type="application/json")

    assert response.status_code == 422
    body = response.json()
    assert body == {
        "code": "unprocessable",
        "detail": "The request was refused; see its fields.",
        "errors": {"channel_manager": [f'Invalid pk "{foreign}" - object does not exist.']},
    }
    assert "charlie" not in response.content.decode()


def test_a_deactivated_channel_manager_cannot_be_assigned_on_the_page_or_the_api(world):
    bob_membership = membership_of(world.bob, world.tenant_a)
    with tenant_scope(world.tenant_a):
        Membership.objects.filter(pk=bob_membership.pk).update(is_active=False)
    client = world.client(world.alice)

    page = client.post("/partner-orgs/new/", _page_data(channel_manager=str(bob_membership.pk)))
    api = client.post(API, _api_data(channel_manager=str(bob_membership.pk)), content_type="application/json")

    assert page.status_code == 400
    assert "Select a valid choice." in page_text(page)
    assert api.status_code == 422
    assert api.json() == {
        "code": "invalid_channel_manager",
        "detail": "The channel manager must be an active channel manager or vendor admin.",
    }
    assert "Delta Integrators" not in _orgs(world.tenant_a)
    assert _notices(world.tenant_a, world.bob) == []


# --- who may write -------------------------------------------------------------------------------------------


def test_an_analyst_reads_the_list_but_cannot_create_on_the_page_or_the_api(world, analyst):
    client = world.client(analyst)
    before = set(_orgs(world.tenant_a))

    assert client.get("/partner-orgs/").status_code == 200
    assert "Alpha Resellers" in page_text(client.get("/partner-orgs/"))
    assert client.get(API).status_code == 200
    assert {o["name"] for o in client.get(API).json()["results"]} == before
    assert client.get("/partner-orgs/new/").status_code == 403
    assert client.post("/partner-orgs/new/", _page_data()).status_code == 403
    api_post = client.post(API, _api_data(), content_type="application/json")
    assert api_post.status_code == 403
    assert api_post.json()["code"] == "forbidden"
    assert set(_orgs(world.tenant_a)) == before


def test_an_analyst_cannot_edit_an_org_on_the_page_or_the_api(world, analyst):
    client = world.client(analyst)

    assert client.post(f"/partner-orgs/{world.org1.pk}/", _page_data(name="Hijacked")).status_code == 403
    patch = client.patch(f"{API}{world.org1.pk}/", {"name": "Hijacked"}, content_type="application/json")
    assert patch.status_code == 403
    assert "Hijacked" not in _orgs(world.tenant_a)
    assert _events(world.tenant_a, "partner_org.update") == []


# --- update ----------------------------------------------------------------------------------------------------


def test_an_update_on_the_page_writes_an_audit_event_with_before_after_actor_and_reason(world):
    response = world.client(world.bob).post(
        f"/partner-orgs/{world.org1.pk}/",
        {
            "name": "Alpha Resellers GmbH",
            "partner_type": "var",
            "country": "AT",
            "status": "inactive",
            "reason": "Moved",
        },
    )

    assert response.status_code == 302
    [event] = _events(world.tenant_a, "partner_org.update")
    assert (event.actor, event.object_id, event.reason) == (world.bob, str(world.org1.pk), "Moved")
    assert event.before == {
        "name": "Alpha Resellers",
        "partner_type": "reseller",
        "country": "DE",
        "channel_manager": None,
    }
    assert event.after == {
        "name": "Alpha Resellers GmbH",
        "partner_type": "var",
        "country": "AT",
        "channel_manager": None,
    }
    [status_change] = _events(world.tenant_a, "partner_org.status_change")  # the status went through its workflow
    assert (status_change.actor, status_change.reason) == (world.bob, "Moved")
    assert (status_change.before, status_change.after) == (
        {"status": "active"},
        {"status": "inactive", "transition": "deactivate"},
    )


def test_an_update_through_the_api_writes_an_audit_event_with_before_after_and_actor(world):
    response = world.client(world.alice).patch(
        f"{API}{world.org2.pk}/", {"country": "NL", "reason": "Re-registered"}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["country"] == "NL"
    [event] = _events(world.tenant_a, "partner_org.update")
    assert event.actor == world.alice
    assert event.reason == "Re-registered"
    assert (event.before["country"], event.after["country"]) == ("DE", "NL")
    assert event.before["name"] == event.after["name"] == "Beta Distribution"


def test_an_update_with_bad_input_is_refused_and_not_audited(world):
    page = world.client(world.alice).post(
        f"/partner-orgs/{world.org1.pk}/", _page_data(name="Beta distribution", country="DE")
    )
    api = world.client(world.alice).patch(f"{API}{world.org1.pk}/", {"country": "XX"}, content_type="application/json")

    assert page.status_code == 400
    assert "A partner organisation named 'Beta distribution' exists already." in page_text(page)
    assert (api.status_code, api.json()["code"], list(api.json()["errors"])) == (400, "invalid", ["country"])
    assert _orgs(world.tenant_a)["Alpha Resellers"].country == "DE"
    assert _events(world.tenant_a, "partner_org.update") == []


def test_assigning_a_channel_manager_notifies_that_manager_once(world, mailoutbox, django_capture_on_commit_callbacks):
    bob_membership = membership_of(world.bob, world.tenant_a)
    data = {"name": "Alpha Resellers", "partner_type": "reseller", "country": "DE", "status": "active"}
    client = world.client(world.alice)

    with django_capture_on_commit_callbacks(execute=True):
        assigned = client.post(f"/partner-orgs/{world.org1.pk}/", data | {"channel_manager": str(bob_membership.pk)})
    with django_capture_on_commit_callbacks(execute=True):
        saved_again = client.post(
            f"/partner-orgs/{world.org1.pk}/", data | {"channel_manager": str(bob_membership.pk), "reason": "typo"}
        )

    assert assigned.status_code == saved_again.status_code == 302
    assert _notices(world.tenant_a, world.bob) == ["You now manage Alpha Resellers"]
    assert [m.to for m in mailoutbox] == [["bob@acme.test"]]
    assert _events(world.tenant_a, "partner_org.update")[0].after["channel_manager"] == str(bob_membership.pk)


def test_assigning_a_channel_manager_through_the_api_notifies_that_manager(world):
    bob_membership = membership_of(world.bob, world.tenant_a)

    response = world.client(world.alice).patch(
        f"{API}{world.org2.pk}/", {"channel_manager": str(bob_membership.pk)}, content_type="application/json"
    )

    assert response.status_code == 200
    assert _notices(world.tenant_a, world.bob) == ["You now manage Beta Distribution"]


# --- status: through the partner org's workflow ---------------------------------------------------------------


def test_deactivating_through_the_api_goes_through_the_workflow_with_its_reason(world):
    response = world.client(world.bob).patch(
        f"{API}{world.org2.pk}/", {"status": "inactive", "reason": "Contract ended"}, content_type="application/json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "inactive"
    [event] = _events(world.tenant_a, "partner_org.status_change")
    assert (event.actor, event.reason, event.before, event.after) == (
        world.bob,
        "Contract ended",
        {"status": "active"},
        {"status": "inactive", "transition": "deactivate"},
    )
    assert _events(world.tenant_a, "partner_org.update") == []  # nothing else changed


def test_deactivating_without_a_reason_is_refused_on_the_page_and_in_the_api(world):
    page = world.client(world.alice).post(
        f"/partner-orgs/{world.org1.pk}/", _page_data(name="Alpha Resellers", country="DE", status="inactive")
    )
    api = world.client(world.alice).patch(
        f"{API}{world.org2.pk}/", {"status": "inactive"}, content_type="application/json"
    )

    assert page.status_code == 400
    assert "Say why (the reason is kept in the audit log)." in page_text(page)
    assert (api.status_code, api.json()["code"]) == (422, "reason_required")
    assert {o.status for o in _orgs(world.tenant_a).values()} == {"active"}
    assert _events(world.tenant_a, "partner_org.status_change") == []


def test_a_new_status_with_other_fields_is_saved_at_once(world):
    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org2.pk).update(status="inactive")

    response = world.client(world.alice).patch(
        f"{API}{world.org2.pk}/",
        {"status": "active", "country": "NL", "reason": "Contract renewed"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["country"]) == ("active", "NL")
    assert [e.after["transition"] for e in _events(world.tenant_a, "partner_org.status_change")] == ["reactivate"]
    assert [e.after["country"] for e in _events(world.tenant_a, "partner_org.update")] == ["NL"]


def test_a_refused_field_change_also_undoes_the_status_change_of_the_same_request(world):
    response = world.client(world.alice).patch(
        f"{API}{world.org1.pk}/",
        {"status": "inactive", "reason": "Merged", "name": "Beta distribution"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "duplicate_name")
    assert _orgs(world.tenant_a)["Alpha Resellers"].status == "active"
    assert _events(world.tenant_a, "partner_org.status_change") == []


def test_moving_an_org_to_the_status_it_has_is_refused_as_a_transition_not_allowed(world):
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        partner_org_change_status(
            actor_membership=membership_of(world.alice, world.tenant_a), org=world.org1, to="active", reason="Again"
        )
    assert (refused.value.code, refused.value.status) == ("transition_not_allowed", 409)
    assert refused.value.message == "Alpha Resellers is Active; it cannot become Active."


# --- the services authorise by themselves ----------------------------------------------------------------------


def _partner_org_use_cases(world):
    return {
        "create": lambda actor: partner_org_create(
            actor_membership=actor, name="Sneaky Partners", partner_type="reseller", country="DE"
        ),
        "update": lambda actor: partner_org_update(actor_membership=actor, org=world.org1, name="Hijacked"),
        "change_status": lambda actor: partner_org_change_status(
            actor_membership=actor, org=world.org1, to="inactive", reason="Hijacked"
        ),
    }


@pytest.mark.parametrize("use_case", ["create", "update", "change_status"])
@pytest.mark.parametrize("who", ["ann", "pat", "una"])
def test_the_partner_org_services_refuse_a_member_who_may_not_manage_partner_orgs(world, analyst, use_case, who):
    """Called by any caller (a task, a seeder, a future page) and not only behind the view's check."""
    user = {"ann": analyst, "pat": world.pat, "una": world.una}[who]
    actor = membership_of(user, world.tenant_a)

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        _partner_org_use_cases(world)[use_case](actor)

    assert (refused.value.code, refused.value.status) == ("forbidden", 403)
    orgs = _orgs(world.tenant_a)
    assert set(orgs) == {"Alpha Resellers", "Beta Distribution"}
    assert orgs["Alpha Resellers"].status == "active"
    with tenant_scope(world.tenant_a):
        assert not AuditEvent.objects.filter(action__startswith="partner_org.").exists()


def test_the_partner_org_services_refuse_a_deactivated_channel_manager(world):
    bob = membership_of(world.bob, world.tenant_a)
    bob.is_active = False

    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        _partner_org_use_cases(world)["update"](bob)

    assert refused.value.code == "forbidden"


# --- list filters ----------------------------------------------------------------------------------------------


@pytest.fixture
def more_orgs(world):
    with tenant_scope(world.tenant_a):
        PartnerOrgFactory(name="Alpine Systems", partner_type="var", country="FR")
        PartnerOrgFactory(name="Zeta Referrals", partner_type="referral", country="FR", status="inactive")
    return world


FILTERS = [
    ({"search": "alp"}, {"Alpha Resellers", "Alpine Systems"}),
    ({"search": "ZETA"}, {"Zeta Referrals"}),
    ({"partner_type": "distributor"}, {"Beta Distribution"}),
    ({"partner_type": "var"}, {"Alpine Systems"}),
    ({"country": "FR"}, {"Alpine Systems", "Zeta Referrals"}),
    ({"country": "FR", "partner_type": "referral"}, {"Zeta Referrals"}),
    ({"search": "alp", "country": "DE"}, {"Alpha Resellers"}),
    ({"search": "Gamma"}, set()),  # tenant B's organisation is never found
    ({}, {"Alpha Resellers", "Alpine Systems", "Beta Distribution", "Zeta Referrals"}),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_the_list_page_filters_by_search_type_and_country(more_orgs, query, expected):
    response = more_orgs.client(more_orgs.alice).get("/partner-orgs/", query)

    assert response.status_code == 200
    assert {o.name for o in response.context["page_obj"]} == expected


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[str(f[0]) for f in FILTERS])
def test_the_api_list_filters_by_search_type_and_country(more_orgs, query, expected):
    response = more_orgs.client(more_orgs.bob).get(API, query)

    assert response.status_code == 200
    assert {o["name"] for o in response.json()["results"]} == expected


def test_the_list_page_accepts_a_lower_case_country(more_orgs):
    response = more_orgs.client(more_orgs.alice).get("/partner-orgs/", {"country": "fr"})

    assert {o.name for o in response.context["page_obj"]} == {"Alpine Systems", "Zeta Referrals"}


def test_a_partner_admin_cannot_list_or_create_orgs(world):
    client = world.client(world.pat)

    assert client.get("/partner-orgs/").status_code == 403
    assert client.get(API).status_code == 403
    assert client.post(API, _api_data(), content_type="application/json").status_code == 403
    assert "Delta Integrators" not in _orgs(world.tenant_a)


def test_the_org_page_offers_the_status_moves_its_workflow_allows_the_viewer(world, analyst):
    def offered(user):
        form = world.client(user).get(f"/partner-orgs/{world.org1.pk}/").context["form"]
        return [value for value, _label in form.fields["status"].choices]

    assert offered(world.bob) == ["active", "inactive"]
    assert offered(analyst) == ["active"]  # an analyst reads the page; no move is offered


@pytest.mark.parametrize(
    ("who", "history", "invite"), [("alice", True, True), ("bob", False, True), ("analyst", False, False)]
)
def test_the_org_page_offers_history_and_invite_only_to_who_may_open_them(world, analyst, who, history, invite):
    viewer = analyst if who == "analyst" else getattr(world, who)
    html = world.client(viewer).get(f"/partner-orgs/{world.org1.pk}/").content.decode()

    assert (f"/audit/?object_id={world.org1.pk}" in html) is history
    assert (f"/users/?partner_org={world.org1.pk}" in html) is invite
    if history:
        assert world.client(viewer).get(f"/audit/?object_id={world.org1.pk}").status_code == 200
