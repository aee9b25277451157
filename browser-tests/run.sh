#!/usr/bin/env bash
# Browser test of the insight UI: seed data, serve SITE on 127.0.0.1:PORT, run the test, stop the server.
#   browser-tests/run.sh insight.localhost 8014
set -euo pipefail

SITE=${1:?usage: run.sh SITE PORT}
PORT=${2:?usage: run.sh SITE PORT}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BENCH=${BENCH:-/opt/frappe-bench}
ARTIFACTS=${ARTIFACTS:-$REPO/artifacts}
mkdir -p "$ARTIFACTS"

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
	(cd "$HERE" && npm ci --no-audit --no-fund)
fi

echo "Seeding $SITE"
SEED=$(cd "$BENCH" && "${BENCH_CLI:-bench}" --site "$SITE" execute social_crm.tests.browser_seed.seed | grep '^{' | tail -1)
echo "Seeded: $SEED"

echo "Serving $SITE on 127.0.0.1:$PORT"
(cd "$BENCH" && exec env/bin/gunicorn -b "127.0.0.1:$PORT" -w 2 -t 120 --chdir sites \
	'frappe.app:application_with_statics()' --preload) >"$ARTIFACTS/insight-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
	if curl -sf -o /dev/null -H "Host: $SITE" "http://127.0.0.1:$PORT/api/method/ping"; then break; fi
	if ! kill -0 "$SERVER" 2>/dev/null; then echo "server did not start:"; cat "$ARTIFACTS/insight-server.log"; exit 1; fi
	sleep 1
done

SITE="$SITE" PORT="$PORT" ARTIFACTS="$ARTIFACTS" SEED="$SEED" node "$HERE/insight.test.js"
