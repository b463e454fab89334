# Production image: gunicorn + whitenoise; PostgreSQL comes from DATABASE_URL (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# LightGBM (the splitter's story-start stage, ingest/starts.py) needs GNU OpenMP's runtime,
# which the slim image lacks; without it the splitter would fall back to the labeller alone.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml constraints.txt ./
COPY archive ./archive
COPY articles ./articles
COPY ingest ./ingest
RUN pip install --no-cache-dir -c constraints.txt .

COPY manage.py ./
COPY templates ./templates
# The English pages: LOCALE_PATHS (archive/settings.py) reads the compiled catalogue from here.
COPY locale ./locale
COPY static ./static
COPY seeds ./seeds
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput

RUN useradd --create-home archive
USER archive
EXPOSE 8000
# gthread workers, timeouts and request limits: archive/gunicorn_conf.py (the environment
# overrides them: GUNICORN_CMD_ARGS="--workers 4 --threads 8"). The demonstration pages of seeds/
# only with LOAD_SEEDS=1 (compose.yaml sets it): a real archive is not given them; and a seed
# refused (say, under a stricter INGEST_MAX_LINES) never keeps the site from starting.
CMD ["sh", "-c", "python manage.py migrate --noinput && { [ \"$LOAD_SEEDS\" != 1 ] || python manage.py ingest seeds --no-progress || echo 'seeds not loaded (above: why)'; } && exec gunicorn archive.wsgi:application --config python:archive.gunicorn_conf --bind 0.0.0.0:8000"]
