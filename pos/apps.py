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
        self.register_home_pages()
        register_object_panel(
            object_type="accounts.partnerorg",
            name="pos-sales-out",
            template="pos/_partner_org_sales_out.html",
            context=hooks.partner_sales_out_panel,
            allowed=is_vendor_staff,
            order=10,
        )
        register_demo_seeder(seed_pos_demo)
        from pos import audit

        audit.register()  # the audit log's labels of POS's actions, objects and fields
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

    def register_home_pages(self):
        """The home pages' sales-out cards, quick action, partner-table columns and late-report to-dos
        (pos/home.py)."""
        from pos import home
        from prm.accounts.permissions import can_send_partner_data, sees_whole_channel
        from prm.modules import register_home_card, register_partner_column, register_quick_action, register_todo_source

        register_home_card(
            name="pos-sales-out",
            audience="partner",
            template="pos/_home_partner_sales_card.html",
            context=home.partner_sales_card,
            order=5,
        )
        register_home_card(
            name="pos-channel-figures",
            audience="vendor",
            template="pos/_home_channel_figures_card.html",
            context=home.channel_figures_card,
            allowed=sees_whole_channel,
            order=5,
            width="full",
        )
        for audience in ("partner", "vendor"):
            register_quick_action(
                name="pos-upload",
                audience=audience,
                label=_("Upload a sales report"),
                url_name="pos:import_list",
                order=10,
                allowed=can_send_partner_data,
            )
        register_todo_source(name="pos-late-report", audience="partner", fn=home.partner_late_report_todos)
        register_todo_source(name="pos-late-reports", audience="vendor", fn=home.late_reports_todos)
        columns = [  # (name, heading, cell template, values, urgency): late reports first, then lines to fix
            ("pos-last-report", _("Last sales report"), "last_report", home.last_report_values, home.report_urgency),
            ("pos-lines-to-fix", _("Lines to fix"), "lines_to_fix", home.lines_to_fix_values, home.to_fix_urgency),
            ("pos-accept-rate", _("Accept rate"), "accept_rate", home.accept_rate_values, None),
            ("pos-sales-out", _("Sell-out this quarter"), "sales", home.sales_values, None),
        ]
        for order, (name, label, cell, values, urgency) in enumerate(columns, start=1):
            register_partner_column(
                name=name,
                label=label,
                template=f"pos/_partner_cell_{cell}.html",
                values=values,
                urgency=urgency,
                order=10 * order,
            )
