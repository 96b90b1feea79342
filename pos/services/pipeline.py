"""The set-based load of one import, run inside one transaction (a crash anywhere loses and duplicates
nothing: the transaction simply never commits):

1. the rows go into a temporary staging table by COPY — the raw file bytes when PostgreSQL can parse them
   (fast path), else rows streamed from Python (reading.py);
2. each column's distinct values are parsed and resolved once (dates, numbers, SKUs → products, countries,
   currencies) into small lookup tables;
3. one statement checks every line against them and names the first rule it breaks;
4. a second copy of a line in the file, and a line loaded before from another file, are marked as rejects;
5. the valid lines are inserted (the identity index guards against any duplicate that slipped through),
   the rejects written with their original values. accepted + rejected = lines read, by construction.

The work tables (staging, lookups, checked lines) are UNLOGGED tables of the `pos_work` schema, created inside
the load's transaction (no other session sees them; a crash takes them with it) and dropped at its end. Not
TEMP tables: PostgreSQL's parallel workers cannot read those, and the check below runs on both cores.
"""

import csv
import io
import secrets
import time
from dataclasses import dataclass

import psycopg
import pycountry
from psycopg import sql

from pos.models import REQUIRED_FIELDS, Field
from pos.services import rollup
from pos.services.reading import LineLengthGuard, nul_character
from prm.companies import company_key, evidence_domain

COPY_CHUNK = 1024 * 1024
COPY_BATCH_ROWS = 5_000
KEY_BATCH_ROWS = 10_000  # distinct names or domains read, keyed in Python and COPYed back at a time
CURRENCY_CODES = sorted(c.alpha_3 for c in pycountry.currencies)
# Errors PostgreSQL raises when COPY cannot parse the raw file: the rows are then re-read by Python.
RAW_COPY_ERRORS = (
    psycopg.errors.BadCopyFileFormat,
    psycopg.errors.CharacterNotInRepertoire,
    psycopg.errors.UntranslatableCharacter,
    psycopg.errors.InvalidTextRepresentation,
    psycopg.errors.DataException,
)

# Line ids: a per-import prefix (48 bits of time in milliseconds, then random bits, as in UUIDv7) followed by
# the line number, so a million new lines go to the right edge of the primary-key index instead of a million
# random pages, and each id costs one string operation. Unique: the prefix is random per import.
# A reject takes the id its line would have had.
LINE_ID_SQL = "(%(id_prefix)s || lpad(to_hex(t.line_number), 8, '0'))::uuid"


def line_id_prefix():
    """24 hex digits in the UUIDv7 layout: 48 bits of the current time (ms), the version (7), 42 random bits
    around the variant; the last 8 hex digits are the line number."""
    millis = int(time.time() * 1000) & ((1 << 48) - 1)
    return f"{millis:012x}7{secrets.token_hex(2)[:3]}{secrets.choice('89ab')}{secrets.token_hex(4)[:7]}"


LENGTH_LIMITS = {
    Field.INVOICE_NUMBER: 64,
    Field.SKU: 64,
    Field.END_CUSTOMER_NAME: 200,
    Field.END_CUSTOMER_DOMAIN: 253,
    Field.END_CUSTOMER_POSTCODE: 20,
    Field.RESELLER_NAME: 200,
    Field.INVOICE_LINE: 60,
}


@dataclass
class LoadSpec:
    tenant_id: object
    partner_org_id: object
    import_id: object
    n_columns: int
    columns: dict  # field → column index in the file
    date_format: str
    decimal_separator: str
    default_currency: str


@dataclass
class LoadResult:
    lines_read: int
    lines_accepted: int
    reject_reasons: dict
    date_from: object = None  # the accepted lines' first and last invoice dates (None when none was accepted)
    date_to: object = None

    @property
    def lines_rejected(self):
        return self.lines_read - self.lines_accepted


def _stage_columns(n):
    return [f"c{i}" for i in range(n)]


# Settings of the load's transaction, from the staging to the last work table dropped (create_stage says why).
LOAD_SETTINGS = {
    "work_mem": "'256MB'",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
    "default_statistics_target": "10",
}
WORK_TABLES = ("stage", "dates", "numbers", "skus", "countries", "currencies", "names", "domains", "checked")
WORK_SCHEMA = "pos_work"


class Workspace:
    """One load's connection (a psycopg cursor) and its work tables, `pos_work.<table>_<load>`."""

    def __init__(self, cursor, load_id):
        self.cursor = cursor
        for table in WORK_TABLES:
            setattr(self, table, f"{WORK_SCHEMA}.{table}_{load_id.hex}")

    def execute(self, statement, params=None):
        self.cursor.execute(statement, params)
        return self.cursor

    def create(self, table, *, columns=None, query=None, params=None):
        """CREATE a work table from column definitions or AS a query (a leftover of an earlier load in the
        same transaction is dropped first)."""
        name = getattr(self, table)
        self.execute(f"DROP TABLE IF EXISTS {name}")
        definition = f"({columns})" if columns else ""
        body = f"AS {query}" if query else ""
        self.execute(f"CREATE UNLOGGED TABLE {name} {definition} {body}", params)

    def drop(self):
        """Drop the work tables and give the rest of the transaction back its settings."""
        for table in WORK_TABLES:
            self.execute(f"DROP TABLE IF EXISTS {getattr(self, table)}")
        for setting in LOAD_SETTINGS:
            self.execute(f"SET LOCAL {setting} TO DEFAULT")


def create_stage(workspace, n_columns):
    """The staging table. For this transaction only: sorts and hashes of a million lines get the memory to
    stay off disk, the planner is told that a parallel scan of a big work table pays for its start-up
    (by default it rarely thinks so for a table created in the same transaction), and the work tables'
    statistics come from a sample of 3,000 rows instead of 30,000 (the load's joins need row counts and the
    share of rejected lines, not fine histograms: ANALYZE of a million checked lines 0.29 s → 0.03 s).
    Workspace.drop() restores them."""
    for setting, value in LOAD_SETTINGS.items():
        workspace.execute(f"SET LOCAL {setting} = {value}")
    columns = ", ".join(f"{c} text" for c in _stage_columns(n_columns))
    workspace.create(
        "stage",
        columns="line_number bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 2), "
        f"ncols int NOT NULL DEFAULT {int(n_columns)}, {columns}",
    )


class _LineTooLong(Exception):
    pass


def copy_raw_csv(handle, layout, n_columns, on_progress, workspace):
    """COPY the file's bytes straight into the staging table. Returns False when PostgreSQL cannot parse the
    file, or a line is too long to be sent whole; the caller then rolls the staging back and re-reads the
    file row by row (where the line-length rule is applied)."""
    guard = LineLengthGuard()
    sent = 0
    try:
        with workspace.cursor.copy(_raw_copy_statement(workspace, layout, n_columns)) as copy:
            while chunk := handle.read(COPY_CHUNK):
                if not guard.feed(chunk):
                    raise _LineTooLong
                copy.write(chunk)
                sent += len(chunk)
                on_progress(bytes_read=sent)
    except (*RAW_COPY_ERRORS, _LineTooLong):
        return False
    on_progress(lines_read=workspace.cursor.rowcount)
    return True


def _raw_copy_statement(workspace, layout, n_columns):
    return sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER {}, ENCODING {})").format(
        sql.SQL(workspace.stage),
        sql.SQL(", ").join(sql.Identifier(c) for c in _stage_columns(n_columns)),
        sql.Literal(layout.delimiter),
        sql.Literal("UTF8" if layout.encoding == "utf-8" else "WIN1252"),
    )


def copy_rows(workspace, rows, n_columns, on_progress, *, strict_width):
    """COPY (line number, cells) rows into the staging table. With `strict_width` a row whose width differs
    from the header's is kept with its real width, to be rejected; otherwise it is cut or padded. Rows are
    written as CSV text in batches (C-speed csv.writer) rather than one COPY message per row."""
    columns = ", ".join(["line_number", "ncols", *_stage_columns(n_columns)])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    padding = [None] * n_columns
    count = 0
    with workspace.cursor.copy(f"COPY {workspace.stage} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
        for number, cells in rows:
            width = len(cells) if strict_width else n_columns
            if len(cells) != n_columns:
                cells = (cells + padding)[:n_columns]
            writer.writerow((number, width, *cells))
            count += 1
            if count % COPY_BATCH_ROWS == 0:
                copy.write(_text_batch(buffer))
                on_progress(lines_read=count)
        copy.write(_text_batch(buffer))
    on_progress(lines_read=count)


def _text_batch(buffer):
    """The CSV text of a batch of rows, emptying the buffer. A NUL character (which a workbook can carry,
    escaped as _x0000_) fails the file with its line number: PostgreSQL's text cannot hold it."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    if "\x00" in text:
        number = next(row[0] for row in csv.reader(io.StringIO(text)) if any("\x00" in cell for cell in row))
        raise nul_character(number)
    return text


def copy_api_lines(workspace, lines, field_order):
    """COPY lines sent as JSON (dicts keyed by field) into the staging table, one column per field."""
    columns = ", ".join(["line_number", *_stage_columns(len(field_order))])
    with workspace.cursor.copy(f"COPY {workspace.stage} ({columns}) FROM STDIN") as copy:
        for number, line in enumerate(lines, start=1):
            copy.write_row((number, *(_as_text(line.get(f)) for f in field_order)))


def _as_text(value):
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


class _Columns:
    """SQL expressions for the mapped fields of the staging table."""

    def __init__(self, mapping):
        self.mapping = mapping

    def raw(self, field):
        index = self.mapping.get(field)
        return f"s.c{int(index)}" if index is not None else "NULL::text"

    def trimmed(self, field):
        return f"btrim({self.raw(field)})"

    @staticmethod
    def value(field):
        """The trimmed value, as computed once in the check's inner query."""
        return f"t.f_{field.value if isinstance(field, Field) else field}"

    def inner_select(self):
        return ", ".join(f"{self.trimmed(f)} AS f_{f.value}" for f in Field)


def _reason_sql(cols, n_columns, default_currency):
    checks = [f"WHEN t.ncols <> {int(n_columns)} THEN 'wrong_column_count'"]
    for field in REQUIRED_FIELDS:
        checks.append(f"WHEN coalesce({cols.value(field)}, '') = '' THEN 'missing_{field.value}'")
    if not default_currency:
        checks.append(f"WHEN coalesce({cols.value(Field.CURRENCY)}, '') = '' THEN 'missing_currency'")
    too_long = " OR ".join(
        f"length({cols.value(f)}) > {limit}" for f, limit in LENGTH_LIMITS.items() if f in cols.mapping
    )
    if too_long:
        checks.append(f"WHEN {too_long} THEN 'value_too_long'")
    checks += [
        "WHEN t.invoice_date IS NULL THEN 'invalid_date'",
        "WHEN t.quantity IS NULL OR t.quantity <> trunc(t.quantity) OR abs(t.quantity) > 2147483647"
        " THEN 'invalid_quantity'",
        "WHEN t.quantity = 0 THEN 'zero_quantity'",
        "WHEN t.unit_price IS NULL OR t.unit_price < 0 OR t.unit_price >= 10000000000 THEN 'invalid_unit_price'",
        "WHEN t.currency IS NULL THEN 'invalid_currency'",
        "WHEN t.product_id IS NULL THEN 'unknown_sku'",
        "WHEN NOT t.active THEN 'inactive_product'",
        "WHEN t.country IS NULL THEN 'unknown_country'",
    ]
    return "CASE " + " ".join(checks) + " END"


def _create_key_tables(w, cols):
    """The company keys of the file's distinct end-customer and reseller names and the evidence domains of its
    distinct end-customer domains (prm.companies: "" for a free-mail or hosting domain), each computed once in
    Python and COPYed into a lookup table that the check joins like the others."""
    _create_lookup(w, "names", _selects(w, cols, Field.END_CUSTOMER_NAME, Field.RESELLER_NAME), company_key)
    _create_lookup(w, "domains", _selects(w, cols, Field.END_CUSTOMER_DOMAIN), evidence_domain)


def _selects(w, cols, *fields):
    """A SELECT of each field's raw values, for those the file has."""
    return [f"SELECT {cols.raw(field)} AS raw FROM {w.stage} s" for field in fields if field in cols.mapping]


def _create_lookup(w, table, selects, key_of):
    """Work table `table` (raw, key) of the distinct values the `selects` give (a column not in the file: none).
    Read through a server-side cursor and written back in batches: memory stays flat however many there are."""
    w.create(table, columns="raw text, key text")
    if not selects:
        return
    distinct = f"SELECT DISTINCT raw FROM ({' UNION ALL '.join(selects)}) u WHERE raw IS NOT NULL"
    with w.cursor.connection.cursor(name=f"pos_{table}_keys") as values:
        values.execute(distinct)
        while batch := values.fetchmany(KEY_BATCH_ROWS):
            with w.cursor.copy(f"COPY {getattr(w, table)} (raw, key) FROM STDIN") as copy:
                for (raw,) in batch:
                    copy.write_row((raw, key_of(raw)))


def _record_reseller_matches(w, params):
    """On the job: how many accepted lines name a reseller, and how many of those name one whose company key is
    the name key of one of the tenant's partner organisations."""
    w.execute(
        "UPDATE pos_posimport SET lines_with_reseller = c.named, lines_reseller_matched = c.matched FROM ("
        " SELECT count(*) FILTER (WHERE l.reseller_key <> '') AS named, count(o.name_key) AS matched"
        f" FROM {w.checked} l LEFT JOIN (SELECT DISTINCT name_key FROM accounts_partnerorg"
        "   WHERE tenant_id = %(tenant)s AND name_key <> '') o ON o.name_key = l.reseller_key"
        " WHERE l.reason IS NULL) c WHERE pos_posimport.tenant_id = %(tenant)s AND pos_posimport.id = %(import)s",
        params,
    )


def validate_and_load(spec, workspace, on_progress):
    """Steps 2–5 on the filled staging table. Returns a LoadResult; the work tables are dropped."""
    w = workspace
    cols = _Columns(spec.columns)
    thousands = "," if spec.decimal_separator == "." else "."
    currency_raw = f"coalesce(nullif({cols.trimmed(Field.CURRENCY)}, ''), %(default_currency)s)"
    params = {
        "tenant": spec.tenant_id,
        "org": spec.partner_org_id,
        "import": spec.import_id,
        "date_format": spec.date_format,
        "default_currency": spec.default_currency or None,
        "currencies": CURRENCY_CODES,
        "thousands": thousands,
        "decimal": spec.decimal_separator,
        "id_prefix": line_id_prefix(),
    }
    w.create(
        "dates",
        query=f"SELECT raw, pos_parse_date(raw, %(date_format)s) AS value FROM (SELECT DISTINCT "
        f"{cols.raw(Field.INVOICE_DATE)} AS raw FROM {w.stage} s) d WHERE raw IS NOT NULL",
        params=params,
    )
    w.create(
        "numbers",
        query="SELECT raw, value, round(value, 4) AS rounded, trim_scale(round(value, 4))::text AS key FROM ("
        " SELECT raw, CASE WHEN norm ~ '^[+-]?[0-9]{1,12}([.][0-9]+)?$' THEN norm::numeric END AS value FROM ("
        "  SELECT raw, replace(replace(regexp_replace(raw, '[[:space:]'']', '', 'g'), %(thousands)s, ''),"
        "                      %(decimal)s, '.') AS norm FROM ("
        f"    SELECT {cols.raw(Field.QUANTITY)} AS raw FROM {w.stage} s"
        f"    UNION SELECT {cols.raw(Field.UNIT_PRICE)} FROM {w.stage} s) u WHERE raw IS NOT NULL) n) v",
        params=params,
    )
    w.create(
        "skus",
        query="SELECT d.raw, coalesce(p.id, x.product_id) AS product_id, coalesce(p.active, xp.active) AS active "
        f"FROM (SELECT DISTINCT {cols.raw(Field.SKU)} AS raw FROM {w.stage} s) d "
        "LEFT JOIN catalog_product p ON p.tenant_id = %(tenant)s AND lower(p.sku) = lower(btrim(d.raw)) "
        "LEFT JOIN pos_partnerpartnumber x ON x.tenant_id = %(tenant)s AND x.partner_org_id = %(org)s "
        "     AND lower(x.partner_sku) = lower(btrim(d.raw)) "
        "LEFT JOIN catalog_product xp ON xp.tenant_id = %(tenant)s AND xp.id = x.product_id "
        "WHERE d.raw IS NOT NULL",
        params=params,
    )
    w.create(
        "countries",
        query=f"SELECT d.raw, a.code FROM (SELECT DISTINCT {cols.raw(Field.END_CUSTOMER_COUNTRY)} AS raw "
        f"FROM {w.stage} s) d LEFT JOIN pos_countryalias a ON a.alias = lower(btrim(d.raw)) WHERE d.raw IS NOT NULL",
        params=params,
    )
    w.create(
        "currencies",
        query="SELECT raw, CASE WHEN upper(raw) = ANY(%(currencies)s) THEN upper(raw) END AS code "
        f"FROM (SELECT DISTINCT {currency_raw} AS raw FROM {w.stage} s) d WHERE raw IS NOT NULL",
        params=params,
    )
    _create_key_tables(w, cols)
    # Statistics, so that the check below hashes the small lookup tables and streams the big one.
    w.execute(f"ANALYZE {w.dates}, {w.numbers}, {w.skus}, {w.countries}, {w.currencies}, {w.names}, {w.domains}")
    on_progress(phase="validating")
    # The inner query trims every value once (OFFSET 0 keeps PostgreSQL from inlining it and trimming again
    # for each use); the outer one derives the keys and names the first rule each line breaks.
    value = cols.value
    w.create(
        "checked",
        query=f"SELECT {LINE_ID_SQL} AS id, t.line_number, "
        f"  {value(Field.INVOICE_NUMBER)} AS invoice_number, t.invoice_date, t.product_id, "
        f"  {value(Field.SKU)} AS reported_sku, t.quantity, t.unit_price, t.currency, "
        f"  {value(Field.END_CUSTOMER_NAME)} AS end_customer_name, t.end_customer_key, t.country, "
        f"  coalesce(regexp_replace(lower({value(Field.END_CUSTOMER_DOMAIN)}),"
        "     '^([a-z]+://)?(www[.])?([^/:]*).*$', '\\3'), '') AS domain, coalesce(t.domain_key, '') AS domain_key, "
        f"  coalesce({value(Field.END_CUSTOMER_POSTCODE)}, '') AS postcode,"
        f"  coalesce({value(Field.RESELLER_NAME)}, '') AS reseller, coalesce(t.reseller_key, '') AS reseller_key, "
        f"  lower({value(Field.INVOICE_NUMBER)}) AS invoice_key, "
        f"  CASE WHEN coalesce({value(Field.INVOICE_LINE)}, '') <> '' THEN 'L:' || {value(Field.INVOICE_LINE)} "
        "       ELSE 'Q:' || t.quantity_key || '@' || t.price_key END AS line_key, "
        f"  {_reason_sql(cols, spec.n_columns, spec.default_currency)} AS reason "
        "FROM ("
        f" SELECT s.line_number, s.ncols, {cols.inner_select()},"
        "   dt.value AS invoice_date, q.value AS quantity, q.key AS quantity_key, pr.rounded AS unit_price,"
        "   pr.key AS price_key, cu.code AS currency, sk.product_id, sk.active, co.code AS country,"
        "   ek.key AS end_customer_key, rk.key AS reseller_key, dk.key AS domain_key"
        f" FROM {w.stage} s"
        f" LEFT JOIN {w.dates} dt ON dt.raw = {cols.raw(Field.INVOICE_DATE)}"
        f" LEFT JOIN {w.numbers} q ON q.raw = {cols.raw(Field.QUANTITY)}"
        f" LEFT JOIN {w.numbers} pr ON pr.raw = {cols.raw(Field.UNIT_PRICE)}"
        f" LEFT JOIN {w.skus} sk ON sk.raw = {cols.raw(Field.SKU)}"
        f" LEFT JOIN {w.currencies} cu ON cu.raw = {currency_raw}"
        f" LEFT JOIN {w.countries} co ON co.raw = {cols.raw(Field.END_CUSTOMER_COUNTRY)}"
        f" LEFT JOIN {w.names} ek ON ek.raw = {cols.raw(Field.END_CUSTOMER_NAME)}"
        f" LEFT JOIN {w.names} rk ON rk.raw = {cols.raw(Field.RESELLER_NAME)}"
        f" LEFT JOIN {w.domains} dk ON dk.raw = {cols.raw(Field.END_CUSTOMER_DOMAIN)}"
        " OFFSET 0) t",
        params=params,
    )
    w.execute(f"ANALYZE {w.checked}")  # the joins below (repeats, rejects' original values) need its figures
    lines_read, lines_rejected = w.execute(f"SELECT count(*), count(reason) FROM {w.checked}").fetchone()
    on_progress(lines_read=lines_read, lines_valid=lines_read - lines_rejected, lines_rejected=lines_rejected)
    # A line repeated in the file: the first one counts.
    repeats = w.execute(
        f"UPDATE {w.checked} c SET reason = 'duplicate_in_file' FROM ("
        f" SELECT invoice_key, product_id, line_key, min(line_number) AS first_line FROM {w.checked}"
        " WHERE reason IS NULL GROUP BY invoice_key, product_id, line_key HAVING count(*) > 1) d"
        " WHERE c.reason IS NULL AND c.invoice_key = d.invoice_key AND c.product_id = d.product_id"
        "   AND c.line_key = d.line_key AND c.line_number <> d.first_line"
    ).rowcount
    # A line loaded before, from another file. Safe without ON CONFLICT: imports of one partner run one
    # at a time (the partner lock taken by the caller), and the identity index still guards it.
    # Lines exist only through a completed import that accepted some: asked of the small jobs table.
    partner_has_lines = w.execute(
        "SELECT EXISTS (SELECT 1 FROM pos_posimport WHERE tenant_id = %(tenant)s AND partner_org_id = %(org)s"
        " AND status = 'completed' AND lines_accepted > 0 AND id <> %(import)s)",
        params,
    ).fetchone()[0]
    if partner_has_lines:  # a partner's first report cannot repeat anything: skip the join
        repeats += w.execute(
            f"UPDATE {w.checked} c SET reason = 'duplicate_of_loaded_line' FROM pos_posline l"
            " WHERE c.reason IS NULL AND l.tenant_id = %(tenant)s AND l.partner_org_id = %(org)s"
            "   AND l.invoice_key = c.invoice_key AND l.product_id = c.product_id AND l.line_key = c.line_key",
            params,
        ).rowcount
    lines_rejected += repeats
    on_progress(phase="loading", lines_valid=lines_read - lines_rejected, lines_rejected=lines_rejected)
    accepted = w.execute(
        "INSERT INTO pos_posline (id, tenant_id, partner_org_id, pos_import_id, line_number, invoice_number,"
        "   invoice_key, invoice_date, line_key, product_id, reported_sku, quantity, unit_price, currency,"
        "   end_customer_name, end_customer_key, end_customer_country, end_customer_domain,"
        "   end_customer_domain_key, end_customer_postcode, reseller_name, reseller_key, created_at)"
        " SELECT id, %(tenant)s, %(org)s, %(import)s, line_number, invoice_number, invoice_key, invoice_date,"
        "   line_key, product_id, reported_sku, quantity::int, unit_price, currency, end_customer_name,"
        "   end_customer_key, country, domain, domain_key, postcode, reseller, reseller_key, now()"
        f" FROM {w.checked} WHERE reason IS NULL",
        params,
    ).rowcount
    date_from, date_to = rollup.add_loaded_lines(
        w.cursor, checked=w.checked, partner_org_id=spec.partner_org_id, id_prefix=params["id_prefix"]
    )
    _record_reseller_matches(w, params)
    raw_values = "jsonb_build_array(" + ", ".join(f"s.{c}" for c in _stage_columns(spec.n_columns)) + ")"
    w.execute(
        "INSERT INTO pos_posreject (id, tenant_id, pos_import_id, line_number, reason_code, raw_values) "
        f"SELECT c.id, %(tenant)s, %(import)s, c.line_number, c.reason, {raw_values} "
        f"FROM {w.checked} c JOIN {w.stage} s ON s.line_number = c.line_number WHERE c.reason IS NOT NULL",
        params,
    )
    reasons = dict(
        w.execute(
            f"SELECT reason, count(*) FROM {w.checked} WHERE reason IS NOT NULL"
            " GROUP BY reason ORDER BY count(*) DESC, reason"
        ).fetchall()
    )
    w.drop()
    return LoadResult(
        lines_read=lines_read, lines_accepted=accepted, reject_reasons=reasons, date_from=date_from, date_to=date_to
    )
