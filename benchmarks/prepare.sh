#!/usr/bin/env bash
# What `make bench` needs beyond the Python packages: wrk for the load tests (Debian's package),
# and PostgreSQL running when it is installed here. Installs only as root with apt-get.
set -euo pipefail
if ! command -v wrk >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "installing wrk" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: install it (Debian: apt-get install wrk) for the load tests" >&2
  fi
fi
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q \
  && [ -d /etc/postgresql ] && [ "$(id -u)" = 0 ]; then
  echo "starting PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
fi
