"""What the channel modules add to the core, registered from each module's `AppConfig.ready()`.

The core never imports a module (import-linter contracts in pyproject.toml, `tests/test_module_contract.py`):
a module tells the core about itself here. Only the composition root — `prm/urls.py` (page URLs, API routers)
and `prm/settings.py` (INSTALLED_APPS) — names modules. docs/architecture.md, "The module contract".
"""

from collections.abc import Callable
from dataclasses import dataclass

from prm.celery import app as celery_app

_demo_seeders = []
_file_purposes = {}
_nav_links = []
_exempt_indexes = {}


def register_demo_seeder(seeder):
    """`seeder(*, admin_membership, seed)` adds the module's demo data to one demo vendor, inside its tenant's
    scope, after the core's (partners, users, catalogue); `seed` (an int) makes the data reproducible."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders():
    return tuple(_demo_seeders)


def register_file_purpose(value, label):
    """A kind of `StoredFile` (`stored_file_create(purpose=value)` refuses a purpose nobody registered)."""
    _file_purposes[value] = label


def is_file_purpose(value):
    return value in _file_purposes


def file_purpose_choices():
    """The choices of `StoredFile.purpose`: a callable, so a module's new purpose needs no core migration."""
    return list(_file_purposes.items())


def register_beat_entries(entries):
    """Periodic tasks, in the shape of `CELERY_BEAT_SCHEDULE` (`{name: {"task": ..., "schedule": ...}}`),
    added to the Celery app's beat schedule, which beat's DatabaseScheduler installs when it starts."""
    celery_app.conf.beat_schedule = {**celery_app.conf.beat_schedule, **entries}


@dataclass(frozen=True)
class NavLink:
    label: str  # a lazy translation
    url_name: str
    audience: str  # "vendor" (vendor staff) or "partner"
    allowed: object = None  # a predicate of prm.accounts.permissions: who of the audience sees it (None: all)
    menu: str = ""  # "" for the bar itself; "partners" for the vendor staff's Partners menu


NAV_MENUS = ("", "partners")


def register_nav_link(*, label, url_name, audience, allowed=None, menu=""):
    """A link in the navigation bar of vendor staff or of partners, after the core's own first links, or in one of
    its menus (`menu="partners"`: the vendor staff's Partners menu, under the partner organisations — the bar has to
    fit a 1280 px screen in every language); `allowed` narrows it to the members for whom it holds (a link nobody
    may follow is a dead end)."""
    if audience not in ("vendor", "partner"):
        raise ValueError(f"audience must be 'vendor' or 'partner', not {audience!r}")
    if menu not in NAV_MENUS or (menu and audience != "vendor"):
        raise ValueError(f"menu {menu!r} is not a menu of the {audience} navigation")
    link = NavLink(label=label, url_name=url_name, audience=audience, allowed=allowed, menu=menu)
    if link not in _nav_links:
        _nav_links.append(link)


def nav_links(audience, membership=None, menu=""):
    """The links of `audience` in the bar (or in `menu`), those `membership` may follow when given."""
    return [
        link
        for link in _nav_links
        if link.audience == audience
        and link.menu == menu
        and (membership is None or link.allowed is None or link.allowed(membership))
    ]


def register_exempt_index(*, table, index, reason):
    """An index of a module's tenant table that need not start with `tenant` (the tenancy system check,
    prm.tenancy.checks): a BRIN index of an append-only table, say, with the reason why."""
    _exempt_indexes[(table, index)] = reason


def exempt_indexes():
    """{(table, index name): reason} of every registered exemption: the one list the check reads."""
    return dict(_exempt_indexes)


# --- Home-page cards, to-dos and object-page panels --------------------------------------------------------------
# What a module shows on the core's pages without the core naming it: a card on the vendor's or the partner's home
# page, the "To do" list there, and a panel on an object's page (a partner organisation's, a deal's). The core
# renders them (prm.portal.hooks); each callable takes the viewer's membership and answers for that viewer only,
# narrowed as the module's selectors narrow its pages (a partner sees its own organisation's data).

AUDIENCES = ("vendor", "partner")
CARD_WIDTHS = ("third", "half", "full")
# Where on the home page a card goes: "main" (the cards' row) or "announcements" (the partner home's announcements
# area, which shows only when a card registered there has something to say: news, a campaign, a tier change).
CARD_SLOTS = ("main", "announcements")
TODO_SEVERITIES = ("danger", "warning", "info")  # most urgent first: the order of the "To do" list

_home_cards = {}
_todo_sources = {}
_object_panels = {}


def _check_audience(audience):
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be 'vendor' or 'partner', not {audience!r}")


@dataclass(frozen=True)
class HomeCard:
    name: str  # unique per audience: registering the same name again replaces the card
    audience: str  # "vendor" (vendor staff) or "partner"
    template: str
    context: Callable  # context(membership) → dict for the template, or None: nothing to show, no card
    order: int
    allowed: Callable | None  # a predicate of prm.accounts.permissions; None: everyone of the audience
    width: str  # "third", "half" or "full" of the row
    slot: str = "main"  # one of CARD_SLOTS


def register_home_card(*, name, audience, template, context, order=100, allowed=None, width="half", slot="main"):
    """A card on the home page of `audience`, in `slot`, in `order` (then `name`)."""
    _check_audience(audience)
    if width not in CARD_WIDTHS:
        raise ValueError(f"width must be one of {CARD_WIDTHS}, not {width!r}")
    if slot not in CARD_SLOTS:
        raise ValueError(f"slot must be one of {CARD_SLOTS}, not {slot!r}")
    _home_cards[(audience, name)] = HomeCard(name, audience, template, context, order, allowed, width, slot)


def home_cards(audience, slot="main"):
    cards = (c for c in _home_cards.values() if c.audience == audience and c.slot == slot)
    return sorted(cards, key=lambda c: (c.order, c.name))


@dataclass(frozen=True)
class QuickAction:
    """A button at the top of the home page: "Upload a sales report", later "Register a deal"."""

    name: str
    audience: str
    label: str  # a lazy translation
    url_name: str
    order: int
    allowed: Callable | None  # a predicate of prm.accounts.permissions; None: everyone of the audience


_quick_actions = {}


def register_quick_action(*, name, audience, label, url_name, order=100, allowed=None):
    """A quick action on the home page of `audience` (the same name again replaces it)."""
    _check_audience(audience)
    _quick_actions[(audience, name)] = QuickAction(name, audience, label, url_name, order, allowed)


def quick_actions(audience):
    actions = (a for a in _quick_actions.values() if a.audience == audience)
    return sorted(actions, key=lambda a: (a.order, a.name))


@dataclass(frozen=True)
class PartnerColumn:
    """A column of the partner table on the vendor staff's home page (the viewer's partners, most urgent first).

    `values(viewer, partner_orgs)` → {partner org id: the cell's value} for one page of the table (a list of
    PartnerOrg), in a fixed number of queries whatever the page's length; `template` renders one cell with
    `value` (None for a partner missing from the answer) and `org`. `urgency(viewer, partner_orgs)` (optional) →
    {partner org id: a number ≥ 0, higher is more urgent} for all the viewer's partners (a queryset), again in a
    fixed number of queries: the table sorts by the columns' urgencies in column order, then by name."""

    name: str
    label: str  # a lazy translation: the column's heading
    template: str
    values: Callable
    urgency: Callable | None
    order: int


_partner_columns = {}


def register_partner_column(*, name, label, template, values, urgency=None, order=100):
    """A column of the staff home's partner table (the same name again replaces it)."""
    _partner_columns[name] = PartnerColumn(name, label, template, values, urgency, order)


def partner_columns():
    return sorted(_partner_columns.values(), key=lambda c: (c.order, c.name))


@dataclass(frozen=True)
class ToDo:
    """Something the viewer should do next: "3 files wait for a column mapping" → the page where it is done."""

    label: str  # translated, with the count in it where it says one
    url: str
    count: int = 1
    severity: str = "info"  # "danger", "warning" or "info"

    def __post_init__(self):
        if self.severity not in TODO_SEVERITIES:
            raise ValueError(f"severity must be one of {TODO_SEVERITIES}, not {self.severity!r}")


@dataclass(frozen=True)
class TodoSource:
    name: str
    audience: str
    fn: Callable  # fn(membership) → list of ToDo (empty: nothing to do)


def register_todo_source(*, name, audience, fn):
    """A source of the "To do" list on the home page of `audience` (the same name again replaces it)."""
    _check_audience(audience)
    _todo_sources[(audience, name)] = TodoSource(name, audience, fn)


def todo_sources(audience):
    return [source for source in _todo_sources.values() if source.audience == audience]


@dataclass(frozen=True)
class ObjectPanel:
    object_type: str  # the model's "app_label.modelname", e.g. "accounts.partnerorg"
    name: str
    template: str
    context: Callable  # context(membership, obj) → dict for the template, or None: no panel
    allowed: Callable | None  # a predicate of prm.accounts.permissions; None: whoever may open the page
    order: int


def register_object_panel(*, object_type, name, template, context, allowed=None, order=100):
    """A panel on the page of every `object_type` object that renders `{% object_panels obj %}`."""
    if object_type != object_type.lower() or object_type.count(".") != 1:
        raise ValueError(f"object_type is 'app_label.modelname' in lower case, not {object_type!r}")
    _object_panels[(object_type, name)] = ObjectPanel(object_type, name, template, context, allowed, order)


def object_panels(object_type):
    return sorted((p for p in _object_panels.values() if p.object_type == object_type), key=lambda p: (p.order, p.name))


# --- Ledger source links -----------------------------------------------------------------------------------------
# A ledger posting names its source (module, object type, object id) without a foreign key; a module that posts
# registers how its objects' pages are reached, so that the ledger's pages link each posting to its source
# (prm.ledger.links). A source nobody registered is shown as plain text.


@dataclass(frozen=True)
class LedgerSource:
    module: str
    object_type: str
    url: object  # a URL name taking the object's id as its one argument, or a callable url(object_id) → URL/None
    label: str  # a lazy translation: what the link reads, e.g. "MDF claim"


_ledger_sources = {}


def register_ledger_source(*, module, object_type, url, label):
    """How a posting whose source is (`module`, `object_type`, id) links to that object's page."""
    _ledger_sources[(module, object_type)] = LedgerSource(module, object_type, url, label)


def ledger_source(module, object_type):
    """The registered LedgerSource of (`module`, `object_type`), or None."""
    return _ledger_sources.get((module, object_type))


# --- Tier-revenue sources ----------------------------------------------------------------------------------------
# Where a partner's revenue for tier evaluation comes from, without the tier code naming a module: POS registers its
# validated sales ("pos_sales", from its sales rollup), deal registration its won deals. Each source answers
# `fn(*, partner_org_ids, date_from, date_to)` → {partner_org_id: Decimal in the tenant's reporting currency}, in
# the current tenant's scope, for the partners asked (0 where there is nothing); a source says its granularity
# (POS: whole invoice months) in its label's docs.


@dataclass(frozen=True)
class TierRevenueSource:
    name: str
    label: str  # a lazy translation, e.g. "Sales-out (POS)"
    fn: Callable


_tier_revenue_sources = {}


def register_tier_revenue_source(name, label, fn):
    """A source of tier revenue (the same name again replaces it)."""
    _tier_revenue_sources[name] = TierRevenueSource(name, label, fn)


def tier_revenue_sources():
    """The registered sources, by name."""
    return [_tier_revenue_sources[name] for name in sorted(_tier_revenue_sources)]


# --- Report kinds (reporting cadences) ---------------------------------------------------------------------------
# What partners report on a schedule, e.g. POS's "pos_sales_out" and later inventory's stock reports. A vendor sets
# per partner or partner type when each kind is due (prm.cadences); the module asks `report_status(...)`.

_report_kinds = {}
_report_arrivals = {}


def register_report_kind(value, label, arrivals=None):
    """A kind of periodic partner report that a reporting cadence can be set for (`label` a lazy translation).
    `arrivals(partner_orgs)` → {partner org id: the day its latest report arrived}, from the module that receives
    the reports: with it, the daily late-report job (prm.cadences.tasks) reminds partners whose report is overdue."""
    _report_kinds[value] = label
    if arrivals is not None:
        _report_arrivals[value] = arrivals


def report_kinds_with_arrivals():
    """[(kind, label, arrivals)] of the kinds whose module says when reports arrived."""
    return [(kind, _report_kinds[kind], arrivals) for kind, arrivals in sorted(_report_arrivals.items())]


def is_report_kind(value):
    return value in _report_kinds


def report_kind_choices():
    """The choices of `ReportingCadence.report_kind`: a callable, so a module's new kind needs no core migration."""
    return sorted(_report_kinds.items())
