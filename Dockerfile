# The application server's image (docs/deploy.md): Debian's official Python image, the package
# and its pinned dependencies in a virtual environment, catalogues and static files prepared at
# build time, served by gunicorn as a user without privileges.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PORT=8000 \
    DJANGO_SETTINGS_MODULE=directory211.settings \
    STATICFILES_STORAGE=whitenoise.storage.CompressedManifestStaticFilesStorage

RUN python -m venv "$VIRTUAL_ENV"

WORKDIR /app

# The dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code. Templates, static files and catalogues live beside the packages, not in the wheel:
# the site runs from /app (manage.py and gunicorn put it first on the import path).
COPY . .
RUN pip install --no-deps . \
    && python -c "import django; django.setup(); from resources.catalogues import compile_catalogues; compile_catalogues()" \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && rm -rf build *.egg-info

RUN useradd --uid 10001 --no-create-home --home-dir /app --shell /usr/sbin/nologin app \
    && install -d -o app /srv/static
USER app

EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "deploy/healthcheck.py"]

# Migrations are a separate, one-off step (compose's `migrate` service, or
# `docker run IMAGE python manage.py migrate`), never run by each of several app servers.
CMD ["gunicorn", "-c", "directory211/gunicorn.conf.py", "directory211.wsgi"]
