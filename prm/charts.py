"""Charts: a `Chart` built by a module's selector, shown by `{% include "_chart.html" with chart=… %}`.

The include renders a titled <canvas> (role "img", named by the title), the chart's figures as a table behind
"Show as table" (the alternative for who cannot see the canvas, formatted here in the active language), and the
data as a `json_script` that static/js/charts.js draws with Chart.js (loaded only on a page with a chart; no inline
script, so the Content-Security-Policy stays strict). Values are Decimals, ints or None (no figure); they are sent
to the browser as JSON numbers, money rounded to its currency's decimals.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from django.utils import translation

from prm.money import format_money, quantize_money

LINE = "line"
BAR = "bar"
NUMBER = "number"
MONEY = "money"
PERCENT = "percent"  # values are shares, 0–1
NO_FIGURE = "—"

# Series colours, in order: each at least 4.5:1 against the white page (WCAG's 3:1 for graphics, with room), and
# apart in hue for the common colour-vision deficiencies; line charts also mark each series with its own point shape.
PALETTE = ("#0b5cad", "#c0410c", "#1b7a43", "#7b3fa0", "#8a6500", "#b0174f", "#3f5f73", "#6b4a2b")
REMAINDER_COLOUR = "#6c757d"  # the "all others" series (Bootstrap's secondary grey, 4.7:1)


def _locale():
    return translation.to_locale(translation.get_language() or "en")


def _percent_with_a_decimal(value):
    """87.5 % in the active language's percent pattern ("87.5%", "87,5 %"), one decimal at most."""
    locale = _locale()
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("0", "0.#", 1)
    return format_percent(value, pattern, locale=locale)


def month_label(month):
    """A month as a chart labels it, in the active language: "Mar 2026", "mars 2026"."""
    return format_date(month, "MMM y", locale=_locale())


@dataclass(frozen=True)
class Series:
    label: str
    values: list
    remainder: bool = False  # the sum of the series not shown one by one: drawn grey, after the others


@dataclass(frozen=True)
class Chart:
    """`chart_id` names the chart on its page (unique there); `labels` the x axis (one value per label in each
    series), under the table's `label_heading`; `value_format` NUMBER, MONEY (of `currency`) or PERCENT; `stacked`
    bars add up to each label's total."""

    chart_id: str
    title: str
    kind: str
    label_heading: str
    labels: list
    series: list
    value_format: str = NUMBER
    currency: str = ""
    stacked: bool = False
    colours: tuple = field(default=PALETTE, repr=False)

    @property
    def script_id(self):
        return f"{self.chart_id}-data"

    @property
    def has_figures(self):
        return any(value for series in self.series for value in series.values)

    @property
    def data(self):
        """What static/js/charts.js draws (the `json_script`)."""
        return {
            "kind": self.kind,
            "format": self.value_format,
            "currency": self.currency,
            "stacked": self.stacked,
            "labels": [str(label) for label in self.labels],
            "series": [
                {"label": str(series.label), "colour": colour, "values": [self._number(v) for v in series.values]}
                for series, colour in zip(self.series, self._colours(), strict=True)
            ],
        }

    @property
    def table_rows(self):
        """[(label, [each series' figure at that label, as text])]: the table alternative."""
        return [
            (label, [self.formatted(series.values[index]) for series in self.series])
            for index, label in enumerate(self.labels)
        ]

    def formatted(self, value):
        """A figure as the table shows it, in the active language."""
        if value is None:
            return NO_FIGURE
        if self.value_format == MONEY:
            return format_money(value, self.currency)
        if self.value_format == PERCENT:
            return _percent_with_a_decimal(value)
        return format_decimal(value, locale=_locale())

    def _number(self, value):
        if value is None:
            return None
        if self.value_format == MONEY:
            return float(quantize_money(value, self.currency))
        if self.value_format == PERCENT:
            return round(float(value), 4)
        return float(value) if isinstance(value, Decimal) else value

    def _colours(self):
        named = iter(self.colours * (1 + len(self.series) // len(self.colours)))
        return [REMAINDER_COLOUR if series.remainder else next(named) for series in self.series]
