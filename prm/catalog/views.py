from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from prm.accounts.permissions import CAN_MANAGE_CATALOG, role_required, vendor_staff_required
from prm.catalog import selectors, services
from prm.catalog.forms import PriceForm, PriceListForm, ProductForm, ProductImportForm
from prm.files.models import StoredFile
from prm.files.services import stored_file_create
from prm.files.validation import UploadRejected, sniff
from prm.forms import apply_domain_error
from prm.pages import paginate
from prm.services import DomainError


@vendor_staff_required
def product_list(request):
    search, family = request.GET.get("search", ""), request.GET.get("family", "")
    products = selectors.product_list(search=search, family=family)
    context = {
        "search": search,
        "family": family,
        "families": selectors.product_families(),
        "can_edit": request.membership.role in CAN_MANAGE_CATALOG,
        **paginate(request, products, per_page=50),
    }
    return render(request, "catalog/product_list.html", context)


@role_required(CAN_MANAGE_CATALOG)
def product_create(request):
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Product created."))
            return redirect("catalog:product_detail", product.pk)
    return render(request, "catalog/product_form.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def product_detail(request, product_id):
    product = get_object_or_404(selectors.product_list(), pk=product_id)
    can_edit = request.membership.role in CAN_MANAGE_CATALOG
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
                    services.price_set(actor=request.user, product=product, **price_form.cleaned_data)
                except DomainError as exc:
                    apply_domain_error(price_form, exc)
                else:
                    messages.success(request, _("Price added."))
                    return redirect("catalog:product_detail", product.pk)
        else:
            form = ProductForm(request.POST)
            if form.is_valid():
                try:
                    services.product_update(product=product, actor=request.user, **form.cleaned_data)
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


@role_required(CAN_MANAGE_CATALOG)
def product_import(request):
    form = ProductImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sniff(upload, allowed={"csv"})
            result = services.products_import_csv(actor=request.user, raw=upload.read())
            # Kept as the record of what was imported; a refused file is not kept.
            stored_file_create(
                upload=upload,
                purpose=StoredFile.Purpose.CATALOG_IMPORT,
                allowed={"csv"},
                uploaded_by=request.user,
                staff_only=True,
            )
        except (UploadRejected, DomainError) as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("%(created)d products created, %(updated)d updated.") % result)
            return redirect("catalog:product_list")
    return render(request, "catalog/product_import.html", {"form": form}, status=400 if form.errors else 200)


@vendor_staff_required
def price_list_list(request):
    form = PriceListForm(request.POST or None)
    if request.method == "POST":
        if request.membership.role not in CAN_MANAGE_CATALOG:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.price_list_create(actor=request.user, **form.cleaned_data)
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
            "can_edit": request.membership.role in CAN_MANAGE_CATALOG,
        },
        status=400 if form.errors else 200,
    )
