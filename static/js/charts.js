// Charts (prm/charts.py, templates/_chart.html): each <figure data-chart="<id>"> is drawn on its <canvas> from the
// JSON of the <script id="<id>"> beside it, with Chart.js — loaded from this site when a page first shows a chart
// (the address is this script's data-chart-library), on the first load and in every piece of page htmx swaps in.
// Numbers are formatted in the page's language (<html lang>); the figure's table holds the same figures as text.
"use strict";

const CHART_LIBRARY = document.currentScript.dataset.chartLibrary;
const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];
let chartLibrary = null;

function loadChartLibrary() {
  chartLibrary ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = CHART_LIBRARY;
    script.addEventListener("load", resolve);
    script.addEventListener("error", reject);
    document.head.append(script);
  });
  return chartLibrary;
}

function numberFormat(spec, options = {}) {
  const style = {
    money: { style: "currency", currency: spec.currency },
    percent: { style: "percent", maximumFractionDigits: 1 },
    number: {},
  }[spec.format];
  return new Intl.NumberFormat(document.documentElement.lang || undefined, { ...style, ...options });
}

function chartConfig(spec) {
  const figure = numberFormat(spec);
  const tick = numberFormat(spec, { notation: "compact" });
  const textColour = getComputedStyle(document.body).color;
  const datasets = spec.series.map((series, index) => ({
    label: series.label,
    data: series.values,
    borderColor: series.colour,
    backgroundColor: series.colour,
    pointStyle: POINT_STYLES[index % POINT_STYLES.length],
    pointRadius: 4,
  }));
  const valueAxis = {
    stacked: spec.stacked,
    beginAtZero: true,
    ticks: { color: textColour, callback: (value) => tick.format(value) },
  };
  if (spec.format === "percent") {
    valueAxis.suggestedMax = 1;
  }
  return {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false, // the box's height (.chart-canvas, portal.css)
      locale: document.documentElement.lang || undefined,
      scales: { x: { stacked: spec.stacked, ticks: { color: textColour } }, y: valueAxis },
      plugins: {
        legend: { labels: { color: textColour, usePointStyle: spec.kind === "line" } },
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${figure.format(item.parsed.y)}` },
        },
      },
    },
  };
}

function drawChart(figure) {
  const canvas = figure.querySelector("canvas");
  if (Chart.getChart(canvas)) {
    return;
  }
  const spec = JSON.parse(document.getElementById(figure.dataset.chart).textContent);
  new Chart(canvas, chartConfig(spec));
  figure.dataset.chartDrawn = "true";
}

htmx.onLoad((root) => {
  const figures = root.matches?.("[data-chart]") ? [root] : [];
  figures.push(...root.querySelectorAll("[data-chart]"));
  if (figures.length) {
    loadChartLibrary().then(() => figures.forEach(drawChart));
  }
});
