"""Signals the ledger sends, for modules that keep amounts converted at dated FX rates (POS's sales rollup).

`fx_rates_changed` is sent after the transaction that created FX rates commits, with `tenant_id`, `pairs` (a set
of (base, quote) currency codes: both directions of each new rate's pair, since `convert` uses a pair's inverse)
and `valid_from` (the earliest date of the new rates): amounts on or after that date in those currencies may
convert differently now. Receivers queue their own idempotent task."""

from django.dispatch import Signal

fx_rates_changed = Signal()
