from django.db.models import Q

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


def product_families():
    return Product.objects.exclude(family="").order_by("family").values_list("family", flat=True).distinct()


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
