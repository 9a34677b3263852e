# livefair application image: `docker build -t livefair .`
#
# Standalone (embedded PostgreSQL + in-process bus, data in the volume):
#   docker run -p 8080:8080 -v livefair-data:/var/lib/livefair livefair
# Several nodes behind a load balancer: see docker-compose.yml.

# --- build: install the project and its dependencies into a virtualenv -------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# The whole (filtered, see .dockerignore) context: the Python packages plus client_web,
# which may not exist yet in a fresh clone, so it is created empty if missing.
COPY . .
RUN pip install . \
    && mkdir -p client_web

# --- runtime -------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    LIVEFAIR_HOST=0.0.0.0 \
    LIVEFAIR_PORT=8080 \
    LIVEFAIR_DATA_DIR=/var/lib/livefair

# A fixed, unprivileged uid/gid so volume ownership is predictable. The embedded
# PostgreSQL refuses to run as root anyway.
RUN groupadd --system --gid 10001 livefair \
    && useradd --system --uid 10001 --gid livefair --home-dir /var/lib/livefair \
       --shell /usr/sbin/nologin livefair \
    && mkdir -p /var/lib/livefair \
    && chown livefair:livefair /var/lib/livefair

COPY --from=build /opt/venv /opt/venv
# Static browser client (ES modules, no build step); not part of the Python packages.
COPY --from=build /src/client_web /app/client_web

WORKDIR /app
USER livefair
VOLUME ["/var/lib/livefair"]
EXPOSE 8080

# No curl in the slim image: ask /healthz with the standard library. A wildcard bind
# (0.0.0.0 / ::) is probed on loopback; an explicit address is probed as given.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('LIVEFAIR_HOST') or '127.0.0.1'; h = {'0.0.0.0': '127.0.0.1', '::': '::1'}.get(h, h); h = '[%s]' % h if ':' in h and '[' not in h else h; r.urlopen('http://%s:%s/healthz' % (h, os.environ.get('LIVEFAIR_PORT') or '8080'), timeout=4)"]

CMD ["livefair", "serve"]
