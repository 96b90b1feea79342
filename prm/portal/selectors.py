"""Reads of the home pages: which partners a staff member's home is about, and its partner table, whose columns
modules register (prm.modules.register_partner_column)."""

from dataclasses import dataclass

from django.core.paginator import Paginator

from prm.accounts.models import PartnerOrg
from prm.accounts.permissions import is_channel_manager
from prm.modules import partner_columns
from prm.territories.selectors import is_limited, partner_orgs_in_scope

PARTNER_TABLE_PAGE = 25  # partners per page of the staff home's table
PARTNER_TABLE_PAGE_PARAMETER = "partner_page"


def home_partner_orgs(viewer):
    """The partner organisations a staff member's home page is about: a channel manager's own (those they are the
    channel manager of, and those of their territories when limited to them); for other staff every one they may
    reach (prm.territories.selectors.partner_orgs_in_scope)."""
    orgs = partner_orgs_in_scope(viewer)
    if is_channel_manager(viewer) and not is_limited(viewer):
        orgs = orgs.filter(channel_manager=viewer)
    return orgs


@dataclass(frozen=True)
class Cell:
    template: str
    value: object


@dataclass(frozen=True)
class PartnerRow:
    org: PartnerOrg
    cells: list


def partner_table(viewer, page_number):
    """One page of the viewer's partners, most urgent first (the columns' urgencies in column order, then by name),
    each row with a cell per registered column: {"columns", "rows", "page_obj"}. A fixed number of queries: one
    for the partners' order, the columns' urgencies over all of them, one for the page's partners, the columns'
    values for the page."""
    orgs = home_partner_orgs(viewer)
    columns = partner_columns()
    urgencies = [column.urgency(viewer, orgs) for column in columns if column.urgency is not None]
    ordered = sorted(
        orgs.order_by("name").values_list("pk", flat=True),
        key=lambda pk: tuple(-urgency.get(pk, 0) for urgency in urgencies),  # a stable sort: by name within
    )
    page_obj = Paginator(ordered, PARTNER_TABLE_PAGE).get_page(page_number)
    by_id = PartnerOrg.objects.select_related("channel_manager__user").in_bulk(page_obj.object_list)
    page_orgs = [by_id[pk] for pk in page_obj.object_list]
    values = [(column, column.values(viewer, page_orgs) if page_orgs else {}) for column in columns]
    rows = [
        PartnerRow(org, [Cell(column.template, answer.get(org.pk)) for column, answer in values]) for org in page_orgs
    ]
    return {"columns": columns, "rows": rows, "page_obj": page_obj}
