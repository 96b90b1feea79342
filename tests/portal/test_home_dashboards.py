"""The home pages' frame (prm.portal.views.home, prm.portal.selectors, prm.modules): the partner home's
announcements slot, quick actions and channel-manager card; the staff home's partner table, whose columns modules
register — the viewer's partners (a channel manager's own), most urgent first, paginated."""

import html

import pytest

from pos.apps import SALES_OUT_REPORT_KIND
from prm import modules
from prm.accounts.models import Membership, PartnerOrg
from prm.accounts.permissions import can_configure_tenant
from prm.cadences.services import cadence_create
from prm.modules import register_home_card, register_partner_column, register_quick_action
from prm.portal.selectors import PARTNER_TABLE_PAGE
from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit
from tests.factories import PartnerOrgFactory


@pytest.fixture
def registries(monkeypatch):
    """Empty registries for the test (the modules' own registrations come back afterwards)."""
    for name in ("_home_cards", "_quick_actions", "_partner_columns", "_todo_sources"):
        monkeypatch.setattr(modules, name, {})


@pytest.fixture
def cell_template(settings, tmp_path):
    """home_test/cell.html shows the cell's value; home_test/card.html a card's word."""
    (tmp_path / "home_test").mkdir()
    (tmp_path / "home_test" / "cell.html").write_text('<span data-testid="cell">{{ value|default:"none" }}</span>')
    (tmp_path / "home_test" / "card.html").write_text('<p data-testid="word">{{ word }}</p>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]


def text_of(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def get(world, user, path="/"):
    return world.client(user).get(path)


def row_names(response):
    return [row.org.name for row in response.context["partner_table"]["rows"]]


def test_a_card_registered_for_the_announcements_slot_shows_in_the_partner_homes_announcements(
    world, registries, cell_template
):
    assert 'data-testid="announcements"' not in text_of(get(world, world.pat))  # nothing registered: no area
    register_home_card(
        name="news",
        audience="partner",
        template="home_test/card.html",
        context=lambda membership: {"word": "Spring campaign"},
        slot="announcements",
    )
    register_home_card(
        name="other", audience="partner", template="home_test/card.html", context=lambda m: {"word": "A card"}
    )

    text = text_of(get(world, world.pat))

    area = text[text.index('data-testid="announcements"') : text.index("</section>\n", text.index("Announcements"))]
    assert "Spring campaign" in area and "A card" not in area
    assert modules.home_cards("partner", "announcements")[0].name == "news"
    assert [card.name for card in modules.home_cards("partner")] == ["other"]


def test_a_card_for_an_unknown_slot_is_refused(registries):
    with pytest.raises(ValueError):
        register_home_card(name="x", audience="partner", template="x.html", context=dict, slot="sidebar")


def test_quick_actions_are_offered_to_whom_their_predicate_allows(world, registries):
    register_quick_action(
        name="set-up", audience="vendor", label="Set up", url_name="portal:branding", allowed=can_configure_tenant
    )
    register_quick_action(name="list", audience="vendor", label="Partners", url_name="accounts:partner_org_list")

    alice, bob = text_of(get(world, world.alice)), text_of(get(world, world.bob))

    assert '<a class="btn btn-brand btn-sm" href="/branding/">Set up</a>' in alice
    assert "Set up" not in bob and '<a class="btn btn-brand btn-sm" href="/partner-orgs/">Partners</a>' in bob
    assert 'data-testid="quick-actions"' not in text_of(get(world, world.pat))


def test_the_partner_home_names_its_channel_manager_with_a_mail_link(world):
    with tenant_scope(world.tenant_a):
        PartnerOrg.objects.filter(pk=world.org1.pk).update(channel_manager=Membership.objects.get(user=world.bob))

    card = text_of(get(world, world.una)).split('data-testid="home-card-channel-manager"')[1].split("</section>")[0]
    assert f'href="mailto:{world.bob.email}"' in card and f"Write to {world.bob.full_name}" in card

    otto_card = text_of(get(world, world.otto)).split('data-testid="home-card-channel-manager"')[1]
    assert "No channel manager is assigned to your organisation yet." in otto_card.split("</section>")[0]


@pytest.fixture
def many_partners(world):
    """Tenant A with 30 partners more, named P00…P29; bob is the channel manager of P00–P04."""
    with tenant_scope(world.tenant_a):
        bob = Membership.objects.get(user=world.bob)
        orgs = [PartnerOrgFactory(name=f"P{n:02d}", channel_manager=bob if n < 5 else None) for n in range(30)]
    return orgs


def urgency_of(scores):
    """An urgency naming partners by name: {name: score}."""
    return lambda viewer, orgs: {org.pk: scores[org.name] for org in orgs if org.name in scores}


def test_the_partner_table_lists_the_most_urgent_first_then_by_name_and_a_column_value_per_row(
    world, registries, cell_template, many_partners
):
    register_partner_column(
        name="second",
        label="Second",
        template="home_test/cell.html",
        values=lambda viewer, orgs: {org.pk: f"v-{org.name}" for org in orgs},
        urgency=urgency_of({"P07": 5, "P03": 5, "P09": 1}),
        order=20,
    )
    register_partner_column(
        name="first",
        label="First",
        template="home_test/cell.html",
        values=lambda viewer, orgs: {},
        urgency=urgency_of({"P09": 1, "P20": 1}),  # the first column's urgency is compared first
        order=10,
    )

    response = get(world, world.alice)

    assert row_names(response)[:6] == ["P09", "P20", "P03", "P07", "Alpha Resellers", "Beta Distribution"]
    assert len(row_names(response)) == PARTNER_TABLE_PAGE
    text = text_of(response)
    assert text.index(">First</th>") < text.index(">Second</th>")
    assert '<span data-testid="cell">none</span></td><td><span data-testid="cell">v-P09</span>' in text
    assert "32 partners, most urgent first." in text


@pytest.mark.parametrize(
    ("page", "first"),
    [("2", "P23"), ("abc", "Alpha Resellers"), ("-1", "P23"), ("0", "P23"), ("99999", "P23"), ("", "Alpha Resellers")],
    ids=["page 2", "not a number", "negative", "zero", "past the end", "empty"],
)
def test_the_partner_tables_page_parameter_takes_any_input_to_a_page_that_exists(
    world, registries, many_partners, page, first
):
    response = get(world, world.alice, f"/?partner_page={page}")

    assert row_names(response)[0] == first  # 32 partners by name: page 2 (the last) starts at the 26th
    if first == "P23":
        assert '<a class="page-link" href="?partner_page=1#partners">Previous</a>' in text_of(response)


def test_a_channel_managers_table_holds_their_own_partners_only(world, registries, many_partners):
    response = get(world, world.bob)

    assert row_names(response) == ["P00", "P01", "P02", "P03", "P04"]
    assert "Partners you manage" in text_of(response)
    assert not {"Alpha Resellers", "Beta Distribution"} & set(row_names(response))


def test_a_channel_manager_limited_to_territories_sees_their_territories_partners_and_their_own(
    world, registries, many_partners
):
    with tenant_scope(world.tenant_a):
        bob = Membership.objects.get(user=world.bob)
        territory = Territory.objects.create(name="DACH")
        StaffTerritory.objects.create(territory=territory, membership=bob)
        PartnerOrgTerritory.objects.create(territory=territory, partner_org=world.org2)
        TerritoryLimit.objects.create(membership=bob)

    assert row_names(get(world, world.bob)) == ["Beta Distribution", "P00", "P01", "P02", "P03", "P04"]


def test_the_partner_table_costs_the_same_queries_whatever_the_number_of_partners(
    world, registries, cell_template, django_assert_max_num_queries
):
    register_partner_column(
        name="c",
        label="C",
        template="home_test/cell.html",
        values=lambda viewer, orgs: dict(
            PartnerOrg.objects.filter(pk__in=[o.pk for o in orgs]).values_list("pk", "name")
        ),
        urgency=lambda viewer, orgs: dict.fromkeys(orgs.filter(name__startswith="P").values_list("pk", flat=True), 1),
    )
    client = world.client(world.alice)
    client.get("/")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    with tenant_scope(world.tenant_a):
        PartnerOrgFactory.create_batch(60, channel_manager=Membership.objects.get(user=world.bob))
    with django_assert_max_num_queries(len(few.captured_queries)):
        text_of(client.get("/"))


def test_the_staff_home_works_out_the_partners_report_statuses_once(world, monkeypatch):
    """The to-do of late reports and the partner table's order ask for the status of every partner a cadence
    applies to (the others are never late); the page's rows for theirs: one status per such partner for the whole
    home, not one per asking (0.4 s for 5,000 partners), and none for a partner no cadence applies to."""
    from pos import home

    asked = []
    real = home.report_statuses
    monkeypatch.setattr(home, "report_statuses", lambda orgs, *args: asked.append(len(orgs)) or real(orgs, *args))
    with tenant_scope(world.tenant_a):
        partners = PartnerOrg.objects.count()
        scheduled = PartnerOrgFactory.create_batch(2, partner_type="msp")
        PartnerOrgFactory(partner_type="referral")  # no cadence applies: no status to work out
        cadence_create(
            actor_membership=Membership.objects.get(user=world.alice),
            report_kind=SALES_OUT_REPORT_KIND,
            partner_type="msp",
            frequency="monthly",
            day_of_month=10,
        )

    assert get(world, world.alice).status_code == 200
    # the two partners the cadence applies to once; then the page's rows (all fit on one page)
    assert asked == [len(scheduled), partners + 3]
