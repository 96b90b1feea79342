"""The demo `make demo` loads: each vendor has months of POS data loaded through the real pipeline, a saved
column template per reporting partner, and imports with rejected lines to look at."""

import datetime

from django.db.models import Max, Min

from pos.models import ColumnMapping, PosImport, PosLine
from prm.portal.demo import seed_demo
from prm.tenancy.context import tenant_scope
from prm.tenancy.models import Tenant


def test_the_demo_vendors_have_months_of_pos_data_a_template_and_imports_with_rejects(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = seed_demo()

    assert {tenant.slug for tenant in created} == set(Tenant.objects.values_list("slug", flat=True))
    for tenant in created:
        with tenant_scope(tenant):
            imports = PosImport.objects.all()
            span = PosLine.objects.aggregate(first=Min("invoice_date"), last=Max("invoice_date"))
            assert imports.exists()
            assert set(imports.values_list("status", flat=True)) == {PosImport.Status.COMPLETED}
            assert imports.filter(lines_rejected__gt=0).exists()
            assert ColumnMapping.objects.exists()
            assert (span["last"] - span["first"]).days >= 60
            assert PosLine.objects.count() == sum(imports.values_list("lines_accepted", flat=True))


def test_the_demos_reports_are_dated_when_a_partner_would_send_them_and_the_homes_have_last_quarters_sales(
    db, django_capture_on_commit_callbacks
):
    """Each report is dated the 4th of the month after its sales (loaded now, dated then), the latest of the month
    before last; the home pages have sales of the last fiscal quarter (of this one too from its second month on)."""
    from pos.home import partner_sales_card
    from prm.accounts.models import Membership, PartnerOrg
    from prm.fiscal import tenant_today

    with django_capture_on_commit_callbacks(execute=True):
        seed_demo()
    with tenant_scope(Tenant.objects.get(slug="acme")):
        northwind = PartnerOrg.objects.get(name="Northwind Distribution")
        viewer = Membership.objects.filter(partner_org=northwind).select_related("partner_org").first()
        reports = list(PosImport.objects.filter(partner_org=northwind).values_list("created_at", "first_sale_date"))
        trend = partner_sales_card(viewer)["trend"]
        this_month = tenant_today().replace(day=1)
    for sent, first_sale in reports:
        assert sent.day == 4 and (sent.date().replace(day=1) - first_sale.replace(day=1)).days in (28, 29, 30, 31)
    assert max(first_sale for _sent, first_sale in reports) < (this_month - datetime.timedelta(days=1)).replace(day=1)
    assert trend.previous > 0
