from pos.selectors import rejects_of
from pos.services.imports import reject_reason_text

LINE_COLUMNS = [
    ("partner_org__name", "partner"),
    ("invoice_number", "invoice_number"),
    ("invoice_date", "invoice_date"),
    ("product__sku", "sku"),
    ("reported_sku", "reported_sku"),
    ("quantity", "quantity"),
    ("unit_price", "unit_price"),
    ("currency", "currency"),
    ("end_customer_name", "end_customer_name"),
    ("end_customer_country", "end_customer_country"),
    ("end_customer_domain", "end_customer_domain"),
    ("end_customer_postcode", "end_customer_postcode"),
    ("reseller_name", "reseller_name"),
]


def rejects_table(pos_import):
    """(header, rows) of a job's rejects file: original line number, reason, then the original values."""
    header = ["line", "reason_code", "reason", *pos_import.header]
    rows = (
        [reject.line_number, reject.reason_code, reject_reason_text(reject.reason_code), *reject.raw_values]
        for reject in rejects_of(pos_import).iterator(chunk_size=2000)
    )
    return header, rows


def lines_table(lines):
    header = [label for _, label in LINE_COLUMNS]
    rows = lines.values_list(*[path for path, _ in LINE_COLUMNS]).iterator(chunk_size=5000)
    return header, rows
