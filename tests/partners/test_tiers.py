"""Tiers: figures equal to a direct sum over the validated lines (imports, a re-import, returns), an upgrade at once, a
downgrade only after the grace period (and none when the requirements are met again), an override until its end
date, tracks per partner type, a second run that changes nothing, the pages and who may use them."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db.models import F, Sum

from partners.models import PartnerProfile, Tier, TierChange
from partners.selectors import program_settings, tier_figures, tier_status
from partners.services.tiers import tier_override, tiers_evaluate
from pos.models import PosLine
from prm.tenancy.context import tenant_scope
from tests.pos.conftest import csv_file, membership, run_import
from tests.pos.test_rollup import rows_of

JAN = datetime.date(2026, 2, 1)  # a day whose trailing year holds January 2026's lines
SALES = [
    ("1", "2026-01-05", "AX-24", 10, "1000.00", "USD", "Initech GmbH"),  # 10,000
    ("2", "2026-01-20", "AX-48", 2, "2500.00", "USD", "Globex"),  # 5,000
]
RETURN = [("9", "2026-01-25", "AX-24", -3, "1000.00", "USD", "Initech GmbH")]  # -3,000


def text_of(response):
    return html.unescape(re.sub(r"<[^>]+>", "", response.content.decode()))


def evaluate(world, day, **kwargs):
    with tenant_scope(world.tenant_a):
        return tiers_evaluate(today=day, **kwargs)


def profile(world, org):
    with tenant_scope(world.tenant_a):
        return PartnerProfile.objects.select_related("tier", "pending_tier", "override_tier").get(partner_org=org)


def causes(world, org):
    with tenant_scope(world.tenant_a):
        return list(TierChange.objects.filter(partner_org=org).order_by("created_at").values_list("cause", flat=True))


def test_the_figures_equal_a_direct_sum_over_the_lines_after_imports_a_reimport_and_returns(
    world, catalog, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run_import(world, csv_file(rows_of("A", SALES)), capture=capture)
    extra = [("3", "2026-01-28", "AX-48", 1, "500.00", "USD", "Hooli")]
    run_import(world, csv_file(rows_of("A", SALES + extra), name="again.csv"), capture=capture)  # repeats + 1 new
    run_import(world, csv_file(rows_of("A", RETURN), name="returns.csv"), capture=capture)
    with tenant_scope(world.tenant_a):
        direct = PosLine.objects.filter(partner_org=world.org1).aggregate(v=Sum(F("quantity") * F("unit_price")))["v"]
        figures = tier_figures([world.org1.pk, world.org2.pk], JAN)

    assert figures[world.org1.pk].sales_12m == direct == Decimal("12500")
    assert figures[world.org2.pk].sales_12m == 0


def test_an_upgrade_applies_at_once_and_a_second_run_changes_nothing(world, tiers, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)

    first = evaluate(world, JAN)
    again = evaluate(world, JAN)

    assert profile(world, world.org1).tier == tiers["Gold"] and profile(world, world.org1).tier_since == JAN
    assert profile(world, world.org2).tier is None  # no sales: no tier
    assert [c.cause for c in first] == ["first_tier"] and again == []


def test_a_downgrade_waits_for_the_grace_period_and_is_called_off_when_the_figures_recover(
    world, tiers, django_capture_on_commit_callbacks
):
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    evaluate(world, JAN)
    with tenant_scope(world.tenant_a):
        grace = program_settings().tier_grace_days  # 90 by default
    lapsed = datetime.date(2027, 2, 1)  # January 2026 has left the trailing year: no sales

    evaluate(world, lapsed)
    in_grace = profile(world, world.org1)
    evaluate(world, lapsed + datetime.timedelta(days=grace - 1))
    still = profile(world, world.org1)
    evaluate(world, lapsed + datetime.timedelta(days=grace))
    after = profile(world, world.org1)

    assert (in_grace.tier, in_grace.pending_tier, in_grace.grace_until) == (
        tiers["Gold"],
        None,
        lapsed + datetime.timedelta(days=grace),
    )
    assert still.tier == tiers["Gold"]
    assert (after.tier, after.grace_until) == (None, None)
    assert causes(world, world.org1) == ["first_tier", "grace_started", "downgrade"]


def test_meeting_the_requirements_again_ends_the_grace(world, tiers, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    run_import(world, csv_file(rows_of("A", SALES)), capture=capture)
    evaluate(world, JAN)
    run_import(world, csv_file(rows_of("A", RETURN), name="returns.csv"), capture=capture)  # 12,000: still Gold
    evaluate(world, JAN)
    run_import(world, csv_file(rows_of("B", RETURN), name="more.csv"), capture=capture)  # 9,000: Silver's
    evaluate(world, JAN)
    pending = profile(world, world.org1)
    run_import(world, csv_file(rows_of("C", SALES[:1]), name="new.csv"), capture=capture)  # 19,000
    evaluate(world, JAN)

    assert (pending.tier, pending.pending_tier) == (tiers["Gold"], tiers["Silver"])
    assert profile(world, world.org1).grace_until is None
    assert causes(world, world.org1) == ["first_tier", "grace_started", "grace_cleared"]


def test_an_override_holds_its_tier_until_its_end_date(world, tiers, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    evaluate(world, JAN)
    until = datetime.date.today() + datetime.timedelta(days=30)
    with tenant_scope(world.tenant_a):
        tier_override(
            actor_membership=membership(world, world.alice),
            partner_org=world.org1,
            tier=tiers["Silver"],
            until=until,
            reason="Strategic account under review",
        )
    evaluate(world, until)  # the end date itself: still held
    held = profile(world, world.org1)
    evaluate(world, until + datetime.timedelta(days=1))  # the sales of January 2026 have left the window too

    assert (held.override_tier, held.tier) == (tiers["Silver"], tiers["Gold"])
    ended = profile(world, world.org1)
    assert (ended.override_tier, ended.override_reason) == (None, "")
    assert causes(world, world.org1) == ["first_tier", "override", "override_ended"]


@pytest.mark.parametrize(
    ("change", "code"),
    [({"reason": " "}, "reason_required"), ({"until": datetime.date(2020, 1, 1)}, "invalid_until")],
)
def test_an_override_needs_a_reason_and_a_future_end(world, tiers, change, code):
    from prm.services import DomainError

    arguments = {"tier": tiers["Gold"], "until": datetime.date.today() + datetime.timedelta(days=3), "reason": "Why"}
    with tenant_scope(world.tenant_a), pytest.raises(DomainError) as refused:
        tier_override(
            actor_membership=membership(world, world.alice), partner_org=world.org1, **{**arguments, **change}
        )
    assert refused.value.code == code
    assert causes(world, world.org1) == []


def test_a_partner_type_with_its_own_track_is_evaluated_on_it(world, tiers, django_capture_on_commit_callbacks):
    with tenant_scope(world.tenant_a):
        world.org1.partner_type = "referral"
        world.org1.save(update_fields=["partner_type"])
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    evaluate(world, JAN)

    assert profile(world, world.org1).tier == tiers["Referral Plus"]  # 15,000 would be Gold on the other track


def test_the_next_tier_shows_each_requirement_with_its_gap(world, tiers, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", SALES[1:])), capture=django_capture_on_commit_callbacks)  # 5,000
    evaluate(world, JAN)
    with tenant_scope(world.tenant_a):
        status = tier_status(world.org1, today=JAN)
    home = text_of(world.client(world.pat).get("/"))

    assert status.profile.tier == tiers["Silver"] and status.next_tier == tiers["Gold"]
    assert [(r.current, r.target, r.gap) for r in status.requirements] == [
        (Decimal("5000"), Decimal("12000"), Decimal("7000"))
    ]
    assert "Your tier" in home and "What Gold needs" in home


# --- pages ----------------------------------------------------------------------------------------------------


def test_a_vendor_admin_configures_tiers_and_bad_input_is_refused(world):
    client = world.client(world.alice)
    form = {"name": "Silver", "rank": "1", "min_sales_12m": "5000", "rebate_rate_modifier": "0", "mdf_allocation": "0"}
    form["deal_protection_discount"] = "5"
    created = client.post("/partners/tiers/new/", form)
    duplicate = client.post("/partners/tiers/new/", {**form, "name": "silver"})
    negative = client.post("/partners/tiers/new/", {**form, "name": "Bronze", "min_sales_12m": "-1"})
    over = client.post("/partners/tiers/new/", {**form, "name": "Bronze", "deal_protection_discount": "120"})
    unknown_type = client.post("/partners/tiers/new/", {**form, "name": "Bronze", "partner_types": ["wizard"]})

    assert created.status_code == 302
    assert duplicate.status_code == 400 and "exists already" in text_of(duplicate)
    for refused in (negative, over, unknown_type):
        assert refused.status_code == 400
    with tenant_scope(world.tenant_a):
        assert list(Tier.objects.values_list("name", flat=True)) == ["Silver"]
    assert "Silver" in text_of(client.get("/partners/tiers/"))


@pytest.mark.parametrize("who", ["bob", "pat"])
def test_only_vendor_admins_change_tiers_and_reevaluate(world, tiers, who):
    client = world.client(getattr(world, who))

    assert client.post("/partners/tiers/new/", {"name": "X", "rank": "9", "min_sales_12m": "1"}).status_code == 403
    assert client.post("/partners/tiers/evaluate/").status_code == 403
    assert client.post(f"/partners/tiers/{tiers['Gold'].pk}/edit/", {"name": "Y"}).status_code == 403


def test_the_reevaluate_button_and_the_grace_setting(world, tiers, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    client = world.client(world.alice)

    evaluated = client.post("/partners/tiers/evaluate/", follow=True)
    saved = client.post("/partners/tiers/settings/", {"tier_grace_days": "30"})
    refused = client.post("/partners/tiers/settings/", {"tier_grace_days": "-1"})

    assert "Every partner re-evaluated: 1 change." in text_of(evaluated)
    assert saved.status_code == 302 and refused.status_code == 400
    with tenant_scope(world.tenant_a):
        assert program_settings().tier_grace_days == 30


def test_the_partner_page_offers_the_override_and_refuses_bad_input(world, tiers):
    client = world.client(world.alice)
    page = text_of(client.get(f"/partner-orgs/{world.org1.pk}/"))
    override = f"/partners/tiers/override/{world.org1.pk}/"
    no_reason = client.post(override, {"tier": tiers["Gold"].pk, "until": "2099-01-01", "reason": ""}, follow=True)
    bad_date = client.post(override, {"tier": tiers["Gold"].pk, "until": "01/01/2099", "reason": "x"}, follow=True)
    other_tenant = world.client(world.charlie).post(override, {"tier": tiers["Gold"].pk, "until": "2099-01-01"})
    held = client.post(override, {"tier": tiers["Gold"].pk, "until": "2099-01-01", "reason": "Launch partner"})

    assert "Override the tier" in page
    assert "This field is required." in text_of(no_reason) and "YYYY-MM-DD" in text_of(bad_date)
    assert other_tenant.status_code == 404
    assert held.status_code == 302 and profile(world, world.org1).override_tier == tiers["Gold"]


def test_the_tier_history_is_scoped_to_the_viewer(world, tiers, django_capture_on_commit_callbacks):
    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    evaluate(world, JAN)

    assert "Alpha Resellers" in text_of(world.client(world.alice).get("/partners/tiers/history/"))
    assert "first tier" in text_of(world.client(world.pat).get("/partners/tiers/history/"))
    assert "Alpha Resellers" not in text_of(world.client(world.otto).get("/partners/tiers/history/"))
    assert world.client(world.otto).get(f"/partners/tiers/history/{world.org1.pk}/").status_code == 404


def test_a_partner_reads_the_tiers_of_its_own_track_and_where_it_stands(world, tiers):
    with tenant_scope(world.tenant_a):
        world.org2.partner_type = "referral"
        world.org2.save(update_fields=["partner_type"])
    reseller = world.client(world.pat).get("/partners/tiers/")
    referral = text_of(world.client(world.otto).get("/partners/tiers/"))
    home = world.client(world.pat).get("/").content.decode()

    assert reseller.status_code == 200
    assert "Gold" in text_of(reseller) and "Silver" in text_of(reseller) and "Referral Plus" not in text_of(reseller)
    assert "Referral Plus" in referral and "Gold" not in referral
    assert "Re-evaluate" not in text_of(reseller) and 'href="/partners/tiers/"' in home


def test_a_tier_change_notifies_the_partners_admins_and_its_channel_manager_once_committed(
    world, tiers, django_capture_on_commit_callbacks
):
    from prm.notifications.models import Notification

    run_import(world, csv_file(rows_of("A", SALES)), capture=django_capture_on_commit_callbacks)
    with tenant_scope(world.tenant_a):
        world.org1.channel_manager = membership(world, world.bob)
        world.org1.save(update_fields=["channel_manager"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        evaluate(world, JAN)
    with tenant_scope(world.tenant_a):
        before = Notification.objects.filter(title__contains="is now Gold").count()
    for callback in queued:
        callback()
    with tenant_scope(world.tenant_a):
        told = set(
            Notification.objects.filter(title="Alpha Resellers is now Gold").values_list("recipient__email", flat=True)
        )

    assert before == 0  # nothing before the run commits
    assert told == {world.pat.email, world.bob.email}  # not una (a partner user), not otto (another partner)
