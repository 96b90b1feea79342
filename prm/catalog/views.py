from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from prm.accounts.permissions import (
    can_manage_catalog,
    can_read_catalogue,
    permission_required,
    vendor_staff_required,
)
from prm.catalog import selectors, services
from prm.catalog.forms import PriceForm, PriceListForm, ProductFilterForm, ProductForm, ProductImportForm
from prm.catalog.models import Product
from prm.forms import apply_domain_error
from prm.pages import paginate
from prm.services import DomainError

PRODUCTS_PER_PAGE = 50


@permission_required(can_read_catalogue)
def product_list(request):
    """The catalogue: every product for vendor staff (vendor admins add, import and edit them), the active ones,
    read only, for partners. No product is listed while the search is not valid (the form says why)."""
    form = ProductFilterForm(request.GET or None)
    if form.errors:
        products = Product.objects.none()
    else:
        given = form.cleaned_data if form.is_bound else {}
        products = selectors.visible_products(
            request.membership, search=given.get("search", ""), family=given.get("family", "")
        )
    context = {
        "form": form,
        "family": form.cleaned_data.get("family", "") if form.is_bound else "",
        "families": selectors.visible_families(request.membership),
        "can_edit": can_manage_catalog(request.membership),
        **paginate(request, products, per_page=PRODUCTS_PER_PAGE),
    }
    return render(request, "catalog/product_list.html", context, status=400 if form.errors else 200)


@permission_required(can_manage_catalog)
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor_membership=request.membership, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Product created."))
            return redirect("catalog:product_detail", product.pk)
    return render(request, "catalog/product_form.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def product_detail(request, product_id):
    product = get_object_or_404(selectors.product_list(), pk=product_id)
    can_edit = can_manage_catalog(request.membership)
    form = ProductForm(
        initial={"sku": product.sku, "name": product.name, "family": product.family, "active": product.active}
    )
    price_form = PriceForm()
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "amount" in request.POST:
            price_form = PriceForm(request.POST)
            if price_form.is_valid():
                try:
                    services.price_set(actor_membership=request.membership, product=product, **price_form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(price_form, exc)
                else:
                    messages.success(request, _("Price added."))
                    return redirect("catalog:product_detail", product.pk)
        else:
            form = ProductForm(request.POST)
            if form.is_valid():
                try:
                    services.product_update(product=product, actor_membership=request.membership, **form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(form, exc)
                else:
                    messages.success(request, _("Product saved."))
                    return redirect("catalog:product_detail", product.pk)
    context = {
        "product": product,
        "form": form,
        "price_form": price_form,
        "can_edit": can_edit,
        "prices": selectors.price_history(product),
    }
    return render(
        request, "catalog/product_detail.html", context, status=400 if form.errors or price_form.errors else 200
    )


@permission_required(can_manage_catalog)
def product_import(request):
    form = ProductImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.products_import_csv(actor_membership=request.membership, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("%(created)d products created, %(updated)d updated.") % result)
            return redirect("catalog:product_list")
    return render(request, "catalog/product_import.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def price_list_list(request):
    form = PriceListForm(request.POST or None)
    if request.method == "POST":
        if not can_manage_catalog(request.membership):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.price_list_create(actor_membership=request.membership, **form.cleaned_data)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Price list created."))
                return redirect("catalog:price_list_list")
    return render(
        request,
        "catalog/price_list_list.html",
        {
            "form": form,
            "price_lists": selectors.price_lists(),
            "can_edit": can_manage_catalog(request.membership),
        },
        status=400 if form.errors else 200,
    )
