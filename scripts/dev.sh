#!/usr/bin/env bash
# `npm run dev`: services up where possible, migrations, the demo org, then the server.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/services.sh || echo "[dev] could not bring PostgreSQL/Redis up; set DATABASE_URL / REDIS_URL to reachable servers"

# Development defaults only; production must set its own secrets (see README: Configuration).
export JWT_SECRET="${JWT_SECRET:-dev-only-jwt-secret-change-me-please}"
export SECRETS_KEY="${SECRETS_KEY:-ZGV2LW9ubHktc2VjcmV0cy1rZXktMzItYnl0ZXMhISE=}"
export LOG_LEVEL="${LOG_LEVEL:-info}"

[ -d node_modules ] || npm ci
npm run build
node dist/src/infra/database/migrate.cli.js
node dist/scripts/seed-demo.js
exec node dist/src/main.js
