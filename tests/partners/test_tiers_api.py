"""/api/v1/partners/tiers/, tier-status/, tier-changes/, tier-overrides/: who reads and writes, bad input refused."""

import datetime

from tests.partners.test_tiers import evaluate, profile
from tests.pos.conftest import csv_file, run_import
from tests.pos.test_rollup import rows_of

TIERS = "/api/v1/partners/tiers/"


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_vendor_admins_create_tiers_and_everyone_reads_them(world):
    body = {"name": "Gold", "rank": 2, "min_sales_12m": "12000.00", "partner_types": ["reseller"]}
    created = post(world.client(world.alice), TIERS, body)
    by_manager = post(world.client(world.bob), TIERS, {**body, "name": "Silver"})
    read_by_partner = world.client(world.pat).get(TIERS)

    assert created.status_code == 201 and created.json()["partner_types"] == ["reseller"]
    assert by_manager.status_code == 403
    assert [t["name"] for t in read_by_partner.json()["results"]] == ["Gold"]


def test_bad_tier_input_is_refused_by_code(world):
    client = world.client(world.alice)
    base = {"name": "Gold", "rank": 2, "min_sales_12m": "12000.00"}
    answers = {
        "negative": post(client, TIERS, {**base, "min_sales_12m": "-1.00"}),
        "type": post(client, TIERS, {**base, "partner_types": ["wizard"]}),
        "discount": post(client, TIERS, {**base, "deal_protection_discount": "101.00"}),
        "not a number": post(client, TIERS, {**base, "rank": "two"}),
    }
    first = post(client, TIERS, base)
    duplicate = post(client, TIERS, {**base, "name": "GOLD"})

    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 400)
    assert first.status_code == 201
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "duplicate_name")


def test_the_tier_status_says_what_the_next_tier_needs(world, tiers, django_capture_on_commit_callbacks):
    day = (datetime.date.today() - datetime.timedelta(days=10)).isoformat()  # inside today's trailing year
    run_import(
        world,
        csv_file(rows_of("A", [("1", day, "AX-48", 2, "2500.00", "USD", "Globex")])),
        capture=django_capture_on_commit_callbacks,
    )
    evaluate(world, datetime.date.today())
    own = world.client(world.pat).get("/api/v1/partners/tier-status/").json()["results"]
    staff = world.client(world.alice).get(f"/api/v1/partners/tier-status/{world.org1.pk}/").json()
    other = world.client(world.pat).get(f"/api/v1/partners/tier-status/{world.org2.pk}/")

    assert own == [staff]  # a partner's list: its own organisation
    assert (staff["partner_org"], staff["tier"], staff["next_tier"]) == (
        str(world.org1.pk),
        str(tiers["Silver"].pk),
        str(tiers["Gold"].pk),
    )
    assert staff["requirements"] == [
        {"label": "sales in the trailing 12 months", "current": "5000.0000", "target": "12000.0000", "gap": "7000.0000"}
    ]
    assert other.status_code == 404


def test_an_override_through_the_api(world, tiers):
    client = world.client(world.bob)
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    body = {"partner": str(world.org1.pk), "tier": str(tiers["Gold"].pk), "until": until, "reason": "Launch"}
    held = post(client, "/api/v1/partners/tier-overrides/", body)
    no_reason = post(client, "/api/v1/partners/tier-overrides/", {**body, "reason": ""})
    by_partner = post(world.client(world.pat), "/api/v1/partners/tier-overrides/", body)
    history = world.client(world.pat).get("/api/v1/partners/tier-changes/").json()["results"]

    assert held.status_code == 201 and held.json()["cause"] == "override"
    assert no_reason.status_code == 400 and by_partner.status_code == 403
    assert profile(world, world.org1).override_tier == tiers["Gold"]
    assert [row["cause"] for row in history] == ["override"]
    assert world.client(world.otto).get("/api/v1/partners/tier-changes/").json()["results"] == []


def test_reevaluate_through_the_api(world, tiers, django_capture_on_commit_callbacks):
    assert post(world.client(world.alice), f"{TIERS}evaluate/", {}).json() == {"changes": 0}
    assert post(world.client(world.bob), f"{TIERS}evaluate/", {}).status_code == 403
