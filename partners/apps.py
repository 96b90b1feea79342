from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        """What the partner program adds to the core (prm/modules.py; docs/architecture.md, "The module contract")."""
        from celery.schedules import crontab

        from partners import audit, hooks
        from partners.demo import seed_partners_demo
        from prm.accounts.permissions import can_review_applications, is_vendor_staff
        from prm.modules import (
            register_beat_entries,
            register_demo_seeder,
            register_home_card,
            register_nav_link,
            register_object_panel,
            register_todo_source,
        )

        register_nav_link(label=_("Tiers"), url_name="partners:tier_list", audience="vendor", menu="partners")
        register_nav_link(label=_("Tiers"), url_name="partners:tier_list", audience="partner")
        register_object_panel(
            object_type="accounts.partnerorg",
            name="partners-tier",
            template="partners/_partner_org_tier.html",
            context=hooks.partner_org_tier_panel,
            allowed=is_vendor_staff,
            order=5,
        )
        register_home_card(
            name="partners-tier",
            audience="partner",
            template="partners/_home_tier_card.html",
            context=hooks.partner_tier_card,
            order=3,
        )
        register_nav_link(
            label=_("Applications"),
            url_name="partners:application_list",
            audience="vendor",
            allowed=can_review_applications,
            menu="partners",
        )
        register_todo_source(name="partners", audience="vendor", fn=hooks.vendor_todos)
        register_beat_entries(
            {
                "evaluate-partner-tiers": {  # nightly, after the day's POS loads; idempotent within a day
                    "task": "partners.tasks.evaluate_tiers_of_every_tenant",
                    "schedule": crontab(hour=2, minute=30),
                },
            }
        )
        register_demo_seeder(seed_partners_demo)
        audit.register()
