# MotCua image: one image for web, worker and beat (the command differs).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=portal.settings
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY portal ./portal
COPY procedures ./procedures
COPY dossiers ./dossiers
COPY reports ./reports
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
# Collected as production serves them (DEBUG off: hashed names and the manifest whitenoise reads), with a
# throwaway key for this one command (the settings refuse to load without one).
RUN DEBUG=0 SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    python manage.py collectstatic --noinput --verbosity 0 && useradd --system --uid 1000 motcua \
    && mkdir -p /srv/motcua/media && chown motcua /srv/motcua/media
USER motcua
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--threads", "4", "--timeout", "60"]
