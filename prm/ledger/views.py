"""The ledger's read-only pages: the staff ledger (postings and every partner's balances) and a partner's
"Payments and earnings" page (its own balances and postings)."""

from django.shortcuts import render

from prm.accounts.permissions import is_partner, permission_required, vendor_staff_required
from prm.ledger import selectors
from prm.ledger.forms import PostingFilterForm
from prm.pages import paginate
from prm.territories.selectors import partner_orgs_in_scope


@vendor_staff_required
def posting_list(request):
    return _ledger_page(
        request, "ledger/posting_list.html", partner_orgs=partner_orgs_in_scope(request.membership).order_by("name")
    )


@permission_required(is_partner)
def earnings(request):
    return _ledger_page(request, "ledger/earnings.html", partner_orgs=None)


def _ledger_page(request, template, *, partner_orgs):
    form = PostingFilterForm(request.GET or None, partner_orgs=partner_orgs)
    filters = form.filters()
    postings = selectors.filter_postings(selectors.visible_postings(request.membership), **filters)
    balances = selectors.partner_balances(request.membership, partner_org=filters.get("partner_org"))
    context = {"form": form, "accounts": balances, **paginate(request, postings, per_page=50)}
    return render(request, template, context, status=400 if form.errors else 200)
