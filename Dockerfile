# Production image: gunicorn + whitenoise; PostgreSQL comes from DATABASE_URL (see compose.yaml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml ./
COPY archive ./archive
COPY articles ./articles
COPY ingest ./ingest
RUN pip install --no-cache-dir .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY seeds ./seeds
RUN SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput

RUN useradd --create-home archive
USER archive
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && python manage.py ingest seeds --no-progress && exec gunicorn archive.wsgi:application --bind 0.0.0.0:8000 --workers 2 --access-logfile -"]
