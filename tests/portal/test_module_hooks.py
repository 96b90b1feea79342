"""The registries through which a module adds to the core's pages (prm.modules; rendered by prm.portal.hooks): home
cards, the "To do" list and object-page panels — ordered, per audience, shown only to whom their predicate allows,
hidden when their context is None, and a failing one left out of the page in production only."""

import html
import logging

import pytest

from prm import modules
from prm.accounts.permissions import can_configure_tenant
from prm.modules import ToDo, register_home_card, register_object_panel, register_todo_source


@pytest.fixture
def registries(monkeypatch):
    """Empty registries for the test (the modules' own registrations come back afterwards)."""
    for name in ("_home_cards", "_todo_sources", "_object_panels"):
        monkeypatch.setattr(modules, name, {})


@pytest.fixture
def card_template(settings, tmp_path):
    """hooks_test/word.html: `<p data-testid="word">{{ word }}</p>`, from a template folder of the test's own."""
    (tmp_path / "hooks_test").mkdir()
    (tmp_path / "hooks_test" / "word.html").write_text('<p data-testid="word">{{ word }}</p>')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]
    return "hooks_test/word.html"


def says(word):
    return lambda membership, *obj: {"word": word}


def words_on(response):
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    return [part.split("<")[0] for part in text.split('<p data-testid="word">')[1:]]


def home(world, user):
    return world.client(user).get("/")


def test_cards_of_an_audience_come_in_their_order_then_by_name_after_the_cores_content(
    world, registries, card_template
):
    register_home_card(name="b", audience="vendor", template=card_template, context=says("second"), order=20)
    register_home_card(name="a", audience="vendor", template=card_template, context=says("third"), order=30)
    register_home_card(name="c", audience="vendor", template=card_template, context=says("first"), order=10)
    register_home_card(name="d", audience="vendor", template=card_template, context=says("fourth"), order=30)
    register_home_card(name="p", audience="partner", template=card_template, context=says("partner's"))

    response = home(world, world.alice)

    assert words_on(response) == ["first", "second", "third", "fourth"]
    text = response.content.decode()
    assert text.index('data-testid="partner-count"') < text.index('data-testid="home-card-c"')
    assert words_on(home(world, world.pat)) == ["partner's"]


def test_registering_a_card_again_under_its_name_replaces_it(world, registries, card_template):
    register_home_card(name="a", audience="vendor", template=card_template, context=says("old"))
    register_home_card(name="a", audience="vendor", template=card_template, context=says("new"))

    assert words_on(home(world, world.alice)) == ["new"]


def test_a_card_whose_context_is_none_is_not_shown(world, registries, card_template):
    register_home_card(name="empty", audience="vendor", template=card_template, context=lambda membership: None)
    register_home_card(name="full", audience="vendor", template=card_template, context=says("shown"))

    response = home(world, world.alice)

    assert words_on(response) == ["shown"]
    assert 'data-testid="home-card-empty"' not in response.content.decode()


def test_a_card_is_shown_only_to_the_viewers_its_predicate_allows(world, registries, card_template):
    register_home_card(
        name="admin", audience="vendor", template=card_template, context=says("admins"), allowed=can_configure_tenant
    )

    assert words_on(home(world, world.alice)) == ["admins"]  # vendor admin
    assert words_on(home(world, world.bob)) == []  # channel manager


def test_a_card_sees_the_viewers_membership(world, registries, card_template):
    register_home_card(
        name="me", audience="partner", template=card_template, context=lambda m: {"word": m.partner_org.name}
    )

    assert words_on(home(world, world.pat)) == ["Alpha Resellers"]
    assert words_on(home(world, world.otto)) == ["Beta Distribution"]


@pytest.mark.parametrize(
    "kwargs",
    [{"audience": "staff"}, {"audience": "vendor", "width": "huge"}],
    ids=["unknown audience", "unknown width"],
)
def test_a_card_with_an_unknown_audience_or_width_is_refused(registries, kwargs):
    with pytest.raises(ValueError):
        register_home_card(name="x", template="x.html", context=says("x"), **kwargs)
    assert modules.home_cards("vendor") == []


def test_the_todo_list_holds_every_sources_items_for_the_audience_most_urgent_first(world, registries):
    register_todo_source(
        name="one",
        audience="partner",
        fn=lambda m: [
            ToDo(label="Read the news", url="/news/"),
            ToDo(label="Fix lines", url="/x/", severity="warning"),
        ],
    )
    register_todo_source(
        name="two", audience="partner", fn=lambda m: [ToDo(label="Map a file", url="/m/", count=3, severity="danger")]
    )
    register_todo_source(name="staff", audience="vendor", fn=lambda m: [ToDo(label="Vendor work", url="/v/")])

    response = home(world, world.pat)

    assert [todo.label for todo in response.context["todos"]] == ["Map a file", "Fix lines", "Read the news"]
    text = response.content.decode()
    assert '<a href="/m/">Map a file</a> <span class="badge rounded-pill text-bg-danger">3</span>' in text
    assert "Vendor work" not in text
    assert [todo.label for todo in home(world, world.alice).context["todos"]] == ["Vendor work"]


def test_an_empty_todo_list_says_there_is_nothing_to_do(world, registries):
    register_todo_source(name="none", audience="vendor", fn=lambda m: [])

    assert "Nothing to do right now." in home(world, world.alice).content.decode()


def test_a_todo_with_an_unknown_severity_or_a_source_with_an_unknown_audience_is_refused(registries):
    with pytest.raises(ValueError):
        ToDo(label="x", url="/", severity="urgent")
    with pytest.raises(ValueError):
        register_todo_source(name="x", audience="everyone", fn=lambda m: [])


def partner_org_page(world, user, org=None):
    return world.client(user).get(f"/partner-orgs/{(org or world.org1).pk}/")


def test_an_objects_page_shows_the_panels_of_its_type_in_order_to_the_viewers_allowed(world, registries, card_template):
    register_object_panel(
        object_type="accounts.partnerorg",
        name="second",
        template=card_template,
        context=lambda m, org: {"word": f"{org.name} 2"},
        order=20,
    )
    register_object_panel(
        object_type="accounts.partnerorg", name="first", template=card_template, context=says("1"), order=10
    )
    register_object_panel(
        object_type="accounts.partnerorg",
        name="admins",
        template=card_template,
        context=says("admins"),
        allowed=can_configure_tenant,
        order=30,
    )
    register_object_panel(
        object_type="accounts.partnerorg", name="none", template=card_template, context=lambda m, o: None
    )
    register_object_panel(object_type="catalog.product", name="product", template=card_template, context=says("p"))

    assert words_on(partner_org_page(world, world.alice)) == ["1", "Alpha Resellers 2", "admins"]
    assert words_on(partner_org_page(world, world.bob)) == ["1", "Alpha Resellers 2"]


def test_a_panel_names_its_type_as_app_label_and_model_name(registries):
    with pytest.raises(ValueError):
        register_object_panel(object_type="accounts.PartnerOrg", name="x", template="x.html", context=says("x"))
    with pytest.raises(ValueError):
        register_object_panel(object_type="partnerorg", name="x", template="x.html", context=says("x"))


def broken(membership, *obj):
    raise RuntimeError("the module's bug")


def register_a_broken_card_panel_and_todo_source(card_template):
    register_home_card(name="broken", audience="vendor", template=card_template, context=broken, order=1)
    register_home_card(name="fine", audience="vendor", template=card_template, context=says("still here"), order=2)
    register_todo_source(name="broken", audience="vendor", fn=broken)
    register_object_panel(object_type="accounts.partnerorg", name="broken", template=card_template, context=broken)


def test_a_failing_card_panel_or_todo_source_raises_in_development_and_tests(world, registries, card_template):
    register_a_broken_card_panel_and_todo_source(card_template)

    with pytest.raises(RuntimeError, match="the module's bug"):
        home(world, world.alice)
    with pytest.raises(RuntimeError, match="the module's bug"):
        partner_org_page(world, world.alice)


def test_in_production_a_failing_card_panel_or_todo_source_is_logged_and_left_out_of_the_page(
    world, registries, card_template, settings, caplog
):
    settings.PRM_RAISE_HOOK_ERRORS = False
    register_a_broken_card_panel_and_todo_source(card_template)

    with caplog.at_level(logging.ERROR, logger="prm.portal.hooks"):
        assert words_on(home(world, world.alice)) == ["still here"]
        assert partner_org_page(world, world.alice).status_code == 200

    failures = [record.getMessage() for record in caplog.records if record.name == "prm.portal.hooks"]
    assert failures == [
        "home card 'broken' failed and was left out of the page",
        "to-do source 'broken' failed and was left out of the page",
        "object panel 'broken' failed and was left out of the page",
    ]
