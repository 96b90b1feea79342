#!/usr/bin/env bash
# Copies the front-end packages installed by `npm ci` into static/vendor/ (git-ignored; never a CDN).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p static/vendor
cp node_modules/bootstrap/dist/css/bootstrap.min.css static/vendor/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/
