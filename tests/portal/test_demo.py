"""The demo `make demo` loads: each vendor has months of POS data loaded through the real pipeline, a saved
column template per reporting partner, and imports with rejected lines to look at."""

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
