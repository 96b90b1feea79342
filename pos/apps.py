from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

IMPORT_FILE_PURPOSE = "pos_import"  # StoredFile.purpose of an uploaded sales-out report
SALES_OUT_REPORT_KIND = "pos_sales_out"  # the report kind a reporting cadence is set for (prm.cadences)


class PosConfig(AppConfig):
    name = "pos"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """What POS adds to the core (prm/modules.py; docs/architecture.md, "The module contract")."""
        from pos import hooks
        from pos.demo import seed_pos_demo
        from prm.accounts.permissions import is_vendor_staff
        from prm.modules import (
            register_beat_entries,
            register_demo_seeder,
            register_exempt_index,
            register_file_purpose,
            register_home_card,
            register_nav_link,
            register_object_panel,
            register_todo_source,
        )

        register_nav_link(label=_("POS data"), url_name="pos:import_list", audience="vendor")
        register_nav_link(label=_("Sales reports"), url_name="pos:import_list", audience="partner")
        register_file_purpose(IMPORT_FILE_PURPOSE, _("Sales-out report"))
        register_home_card(
            name="pos-sales-reports",
            audience="partner",
            template="pos/_home_partner_card.html",
            context=hooks.partner_reports_card,
            order=10,
        )
        register_home_card(
            name="pos-data",
            audience="vendor",
            template="pos/_home_vendor_card.html",
            context=hooks.vendor_pos_card,
            order=10,
        )
        register_todo_source(name="pos", audience="partner", fn=hooks.partner_todos)
        register_todo_source(name="pos", audience="vendor", fn=hooks.vendor_todos)
        register_object_panel(
            object_type="accounts.partnerorg",
            name="pos-sales-out",
            template="pos/_partner_org_sales_out.html",
            context=hooks.partner_sales_out_panel,
            allowed=is_vendor_staff,
            order=10,
        )
        register_demo_seeder(seed_pos_demo)
        from pos.selectors import sales_out_arrivals
        from prm.modules import register_report_kind

        register_report_kind(SALES_OUT_REPORT_KIND, _("Sales-out report (POS)"), arrivals=sales_out_arrivals)
        register_exempt_index(
            table="pos_posline",
            index="pos_line_date_brin",
            reason="BRIN on the append-only lines' date: a few pages per load, whatever the tenant",
        )
        register_beat_entries(
            {
                "requeue-stalled-pos-imports": {
                    "task": "pos.tasks.requeue_stalled_pos_imports",
                    # A cheap query per tenant; a crashed import is picked up within 30 s of a worker being up.
                    "schedule": timedelta(seconds=30),
                },
            }
        )
        # The sales rollup kept current when FX rates change, and read as a tier-revenue source
        # (docs/architecture.md, "POS's hooks for downstream modules").
        from pos.selectors import pos_sales_tier_revenue
        from pos.services.rollup import queue_fx_recompute
        from prm.ledger.signals import fx_rates_changed
        from prm.modules import register_tier_revenue_source

        register_tier_revenue_source("pos_sales", _("Sales-out (POS), by invoice month"), pos_sales_tier_revenue)
        fx_rates_changed.connect(queue_fx_recompute, dispatch_uid="pos-rollup-fx-recompute")
