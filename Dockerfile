# Inspraak: one process per container; var/ (SQLite database, generated secret) is a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    INSPRAAK_HOST=0.0.0.0 INSPRAAK_PORT=8000 INSPRAAK_VAR_DIR=/app/var

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir -e . && useradd --system --uid 10001 --home /app inspraak \
    && mkdir -p /app/var && chown inspraak /app/var

USER inspraak
VOLUME ["/app/var"]
EXPOSE 8000
# `serve` runs the migrations, then uvicorn (no access log: it would hold client addresses).
CMD ["inspraak", "serve"]
