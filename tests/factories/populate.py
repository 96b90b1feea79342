"""One row in every tenant table, for tests that must cover every table (RLS, isolation crawler)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import PartnerProfile, ProgramSettings, Tier, TierChange
from partners.services.applications import application_submit
from pos.models import ColumnMapping, PartnerPartNumber, PosLine, PosReject, PosSalesRollup
from pos.services.imports import pos_import_create, pos_lines_submit
from prm.accounts.services import api_token_create, invitation_create
from prm.api.models import IdempotencyKey
from prm.audit.services import record
from prm.cadences.models import LateReportNotice, ReportingCadence
from prm.catalog.models import Price
from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.ledger.models import Balance, Bucket, FxRate, Kind
from prm.ledger.services import Source, ledger_accrue, ledger_approve, ledger_pay
from prm.notifications.models import Notification
from prm.tenancy.context import tenant_scope
from prm.territories.models import PartnerOrgTerritory, StaffTerritory, Territory, TerritoryLimit, TerritoryRule
from tests.factories import MembershipFactory, PriceListFactory, ProductFactory, UserFactory

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a0b5ae0000000049454e44ae426082"
)


def populate_tenant(tenant, *, admin_membership, partner_org, marker):
    """Create one object of every tenant model in `tenant`, with `marker` in every name that is shown.

    Returns a dict of the created objects and the invitation token."""
    with tenant_scope(tenant):
        product = ProductFactory(sku=f"{marker}-SKU", name=f"{marker} product")
        price_list = PriceListFactory(name=f"{marker} list")
        price = Price.objects.create(
            product=product, price_list=price_list, amount="10.00", valid_from=datetime.date(2026, 1, 1)
        )
        invitation, token = invitation_create(
            actor_membership=admin_membership,
            email=f"{marker.lower()}@invitee.test",
            role="partner_user",
            partner_org=partner_org,
        )
        api_token, key = api_token_create(user=admin_membership.user, name=f"{marker} token")
        idempotency_key = IdempotencyKey.objects.create(
            token=api_token,
            key=f"{marker}-key",
            method="POST",
            path="/api/v1/pos/lines/",
            fingerprint="0" * 64,
            response_status=201,
            response_content_type="application/json",
            response_body=f'{{"marker": "{marker}"}}'.encode(),
        )
        notification = Notification.objects.create(recipient=admin_membership.user, title=f"{marker} notice")
        audit = record(
            action="test.marker",
            actor=admin_membership.user,
            object_type="test",
            object_id=marker,
            after={"marker": marker},
        )
        stored = stored_file_create(
            upload=SimpleUploadedFile(f"{marker}.csv", f"sku,name\n{marker}-X,{marker}\n".encode()),
            purpose=StoredFile.Purpose.CATALOG_IMPORT,
            allowed={"csv"},
            partner_org=partner_org,
        )
        logo = stored_file_create(
            upload=SimpleUploadedFile("logo.png", PNG_1x1),
            purpose=StoredFile.Purpose.LOGO,
            allowed={"image"},
            public=True,
        )
        part_number = PartnerPartNumber.objects.create(
            partner_org=partner_org, partner_sku=f"{marker}-PN", product=product
        )
        pos_import, _results = pos_lines_submit(
            actor_membership=admin_membership,
            partner_org=partner_org,
            lines=[pos_line(f"{marker}-INV-1", product.sku), pos_line(f"{marker}-INV-2", "NO-SUCH-SKU")],
        )
        pos_line_row = PosLine.objects.get(pos_import=pos_import)
        pos_reject = PosReject.objects.get(pos_import=pos_import)
        pos_sales_rollup = PosSalesRollup.objects.get(partner_org=partner_org)  # the load's accepted line
        waiting_import = pos_import_create(  # a file whose layout has no template yet: it waits for a mapping
            actor_membership=admin_membership,
            partner_org=partner_org,
            upload=SimpleUploadedFile(
                f"{marker}-sales.csv",
                f"Invoice;Date;Part;Qty;Price;Customer;Country\n{marker}-INV-3;2026-03-02;{product.sku};1;10;Hooli;US\n".encode(),
            ),
        )
        fx_rate = FxRate.objects.create(
            base_currency="EUR", quote_currency="USD", rate="1.0850", valid_from=datetime.date(2026, 1, 1)
        )
        ledger = {
            "actor_membership": admin_membership,
            "partner_org": partner_org,
            "kind": Kind.REBATE,
            "currency": "EUR",
            "source": Source("test", "marker", f"{marker}-REBATE"),
        }
        ledger_posting = ledger_accrue(  # with the account's balance rows
            **ledger, amount="100.00", business_date=datetime.date(2026, 3, 2), reason=f"{marker} rebate"
        )
        ledger_approve(**ledger, amount="60.00", business_date=datetime.date(2026, 3, 3))
        ledger_pay(**ledger, amount="25.00", business_date=datetime.date(2026, 3, 4), payment_reference=f"{marker}-PAY")
        ledger_balance = Balance.objects.get(partner_org=partner_org, kind=Kind.REBATE, bucket=Bucket.APPROVED)
        territory = Territory.objects.create(name=f"{marker} territory", code=f"{marker}-T")
        territory_rule = TerritoryRule.objects.create(territory=territory, country="DE", postcode_prefix="7")
        limited_manager = MembershipFactory(
            user=UserFactory(email=f"{marker.lower()}-cm@territory.test"), role="channel_manager"
        )
        staff_territory = StaffTerritory.objects.create(territory=territory, membership=limited_manager)
        partner_org_territory = PartnerOrgTerritory.objects.create(territory=territory, partner_org=partner_org)
        territory_limit = TerritoryLimit.objects.create(membership=limited_manager)
        cadence = ReportingCadence.objects.create(
            partner_org=partner_org, report_kind="pos_sales_out", frequency="monthly", day_of_month=10
        )
        late_report_notice = LateReportNotice.objects.create(
            partner_org=partner_org, report_kind="pos_sales_out", due_date=datetime.date(2026, 3, 10)
        )
        mapping = ColumnMapping.objects.create(
            partner_org=partner_org,
            name=f"{marker} template",
            header=["a"],
            header_signature=marker,
            columns={"sku": 0},
        )
        application = application_submit(
            company_name=f"{marker} Applicant",
            partner_type="reseller",
            country="DE",
            website=f"{marker.lower()}-applicant.com",
            contact_name=f"{marker} Contact",
            contact_email=f"contact@{marker.lower()}-applicant.com",
            specialisations=[f"{marker} networks"],
        )
        tier = Tier.objects.create(name=f"{marker} Gold", rank=2, min_sales_12m=1)
        partner_profile = PartnerProfile.objects.create(
            partner_org=partner_org, website=f"{marker.lower()}.com", web_domain=f"{marker.lower()}.com", tier=tier
        )
        tier_change = TierChange.objects.create(
            partner_org=partner_org, to_tier=tier, cause=TierChange.Cause.FIRST_TIER, figures={"sales_12m": "2"}
        )
        program = ProgramSettings.objects.create(tier_grace_days=60)
    return {
        "partner_application": application,
        "partner_profile": partner_profile,
        "tier": tier,
        "tier_change": tier_change,
        "program_settings": program,
        "product": product,
        "price_list": price_list,
        "price": price,
        "invitation": invitation,
        "invitation_token": token,
        "api_token": api_token,
        "api_key": key,
        "idempotency_key": idempotency_key,
        "notification": notification,
        "audit_event": audit,
        "stored_file": stored,
        "logo": logo,
        "partner_org": partner_org,
        "membership": admin_membership,
        "part_number": part_number,
        "pos_import": pos_import,
        "pos_import_waiting": waiting_import,
        "pos_line": pos_line_row,
        "pos_reject": pos_reject,
        "pos_sales_rollup": pos_sales_rollup,
        "column_mapping": mapping,
        "fx_rate": fx_rate,
        "reporting_cadence": cadence,
        "late_report_notice": late_report_notice,
        "ledger_posting": ledger_posting,
        "ledger_balance": ledger_balance,
        "territory": territory,
        "territory_rule": territory_rule,
        "staff_territory": staff_territory,
        "partner_org_territory": partner_org_territory,
        "territory_limit": territory_limit,
        "limited_manager": limited_manager,
    }


def pos_line(invoice_number, sku, **overrides):
    """One sales line as the API takes it."""
    return {
        "invoice_number": invoice_number,
        "invoice_date": "2026-03-02",
        "sku": sku,
        "quantity": 3,
        "unit_price": "120.50",
        "currency": "USD",
        "end_customer_name": "Initech GmbH",
        "end_customer_country": "DE",
        **overrides,
    }
