#!/usr/bin/env bash
# Makes PostgreSQL (127.0.0.1:5432, user postgres) and Redis (127.0.0.1:6379) available:
# already running → nothing to do; installed → start them; missing → install with apt-get.
set -uo pipefail

log() { echo "[services] $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

pg_up() { (echo > /dev/tcp/127.0.0.1/5432) >/dev/null 2>&1 && psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; }
redis_up() { (echo > /dev/tcp/127.0.0.1/6379) >/dev/null 2>&1; }

apt_install() {
  if ! command -v apt-get >/dev/null; then log "apt-get not available; install $* yourself"; return 1; fi
  as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    log "installing PostgreSQL"; apt_install postgresql postgresql-client || true
  fi
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -n "$ver" ]; then
    log "starting PostgreSQL $ver"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || as_root pg_ctlcluster "$ver" main start || true
    # Tests and dev connect over TCP as postgres without a password (trust on loopback only).
    hba="/etc/postgresql/$ver/main/pg_hba.conf"
    if [ -f "$hba" ] && ! grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main reload 2>/dev/null || as_root pg_ctlcluster "$ver" main reload || true
    fi
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi

if ! redis_up; then
  command -v redis-server >/dev/null || { log "installing Redis"; apt_install redis-server || true; }
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi

pg_up && log "PostgreSQL is up on 127.0.0.1:5432" || { log "PostgreSQL is NOT reachable on 127.0.0.1:5432"; exit 1; }
redis_up && log "Redis is up on 127.0.0.1:6379" || { log "Redis is NOT reachable on 127.0.0.1:6379"; exit 1; }
