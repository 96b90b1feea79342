"""What POS shows on the core's pages, registered in pos/apps.py (prm.modules): the partner's "Sales reports" and
the vendor's "POS data" home cards, POS's to-dos, and the "Sales-out" panel of a partner organisation's page.
Each answers for the viewer only, through the selectors that narrow a partner to its own organisation."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from pos import home, selectors
from prm.fiscal import current_quarter
from prm.modules import ToDo

RECENT = datetime.timedelta(days=7)  # "this week" of the vendor's card and to-dos: the last seven days


def partner_reports_card(viewer):
    return {
        "last": selectors.visible_imports(viewer).first(),
        "to_fix": selectors.rejects_to_fix(viewer),
        "waiting": list(selectors.imports_waiting_for_mapping(viewer)[:5]),
        "schedule": home.report_schedule(viewer),
    }


def vendor_pos_card(viewer):
    return {
        "recent": selectors.import_totals(viewer, since=timezone.now() - RECENT),
        "waiting_partners": list(selectors.partners_waiting_for_mapping(viewer)[:5]),
    }


def partner_todos(viewer):
    todos = []
    waiting = list(selectors.imports_waiting_for_mapping(viewer).values_list("pk", flat=True))
    if waiting:
        count = len(waiting)
        todos.append(
            ToDo(
                label=ngettext(
                    "%(count)d sales report waits for a column mapping",
                    "%(count)d sales reports wait for a column mapping",
                    count,
                )
                % {"count": count},
                url=reverse("pos:import_mapping", args=[waiting[0]]) if count == 1 else reverse("pos:import_list"),
                count=count,
                severity="danger",
            )
        )
    to_fix = selectors.rejects_to_fix(viewer)
    if to_fix is not None:
        count = to_fix.lines_rejected
        todos.append(
            ToDo(
                label=ngettext(
                    "Correct %(count)d rejected line of your last report",
                    "Correct %(count)d rejected lines of your last report",
                    count,
                )
                % {"count": count},
                url=reverse("pos:import_detail", args=[to_fix.pk]),
                count=count,
                severity="warning",
            )
        )
    return todos


def vendor_todos(viewer):
    failed = selectors.import_totals(viewer, since=timezone.now() - RECENT)["failed"]
    if not failed:
        return []
    label = ngettext(
        "%(count)d sales-out import failed in the last 7 days",
        "%(count)d sales-out imports failed in the last 7 days",
        failed,
    ) % {"count": failed}
    return [ToDo(label=label, url=reverse("pos:import_list"), count=failed, severity="danger")]


def partner_sales_out_panel(viewer, org):
    quarter = current_quarter()  # the tenant's fiscal quarter
    return {
        "org": org,
        "last": selectors.visible_imports(viewer).filter(partner_org=org).first(),
        "quarter": quarter,
        "totals": selectors.sales_out_by_currency(
            viewer, partner_org=org, date_from=quarter.start, date_to=quarter.end
        ),
    }
