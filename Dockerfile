# Production-like image (see docker-compose.yml). Not used by `make demo` or `make test`.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts/copy_vendor_assets.sh scripts/
RUN bash scripts/copy_vendor_assets.sh

FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 prm
WORKDIR /app
COPY pyproject.toml ./
COPY . .
COPY --from=assets /src/static/vendor static/vendor
RUN pip install --no-cache-dir . \
    && PRM_SECRET_KEY=build python manage.py compilemessages --ignore=.venv \
    && PRM_SECRET_KEY=build python manage.py collectstatic --noinput
USER prm
EXPOSE 8000
CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4"]
