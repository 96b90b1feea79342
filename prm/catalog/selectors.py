from django.db.models import Q

from prm.accounts.permissions import is_vendor_staff
from prm.catalog.models import Price, PriceList, Product


def product_list(*, search="", family="", active=None):
    products = Product.objects.all()
    if search:
        products = products.filter(Q(sku__icontains=search) | Q(name__icontains=search))
    if family:
        products = products.filter(family=family)
    if active is not None:
        products = products.filter(active=active)
    return products


def product_families(*, active=None):
    products = Product.objects.exclude(family="")
    if active is not None:
        products = products.filter(active=active)
    return products.order_by("family").values_list("family", flat=True).distinct()


def visible_products(viewer, *, search="", family=""):
    """The products `viewer` may look up: vendor staff every product, partners the active ones only (an inactive
    product is no longer sold: partners neither see it nor report sales of it)."""
    return product_list(search=search, family=family, active=None if is_vendor_staff(viewer) else True)


def visible_families(viewer):
    """The families of the products `viewer` may look up (a family with only inactive products is not offered to
    partners)."""
    return product_families(active=None if is_vendor_staff(viewer) else True)


def price_lists():
    return PriceList.objects.all()


def price_history(product):
    return (
        Price.objects.filter(product=product).select_related("price_list").order_by("price_list__name", "-valid_from")
    )


def price_on(*, product, price_list, on_date):
    """The price in force on `on_date` (the latest one starting on or before it), or None."""
    return (
        Price.objects.filter(product=product, price_list=price_list, valid_from__lte=on_date)
        .order_by("-valid_from")
        .first()
    )
