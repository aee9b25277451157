#!/usr/bin/env bash
# Browser test of /my-social (a person manages their social data): seed data, serve SITE on 127.0.0.1:PORT, run the test, stop the server.
#   browser-tests/my_social.run.sh my-social.localhost 8016
set -euo pipefail

SITE=${1:?usage: my_social.run.sh SITE PORT}
PORT=${2:?usage: my_social.run.sh SITE PORT}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BENCH=${BENCH:-/opt/frappe-bench}
ARTIFACTS=${ARTIFACTS:-$REPO/artifacts}
mkdir -p "$ARTIFACTS"

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
	(cd "$HERE" && npm install --no-audit --no-fund)
fi

echo "Seeding $SITE"
(cd "$BENCH" && "${BENCH_CLI:-bench}" --site "$SITE" execute social_crm.tests.my_social_seed.seed)

echo "Serving $SITE on 127.0.0.1:$PORT"
(cd "$BENCH" && exec env/bin/gunicorn -b "127.0.0.1:$PORT" -w 2 -t 120 --chdir sites \
	'frappe.app:application_with_statics()' --preload) >"$ARTIFACTS/my-social-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
	if curl -sf -o /dev/null -H "Host: $SITE" "http://127.0.0.1:$PORT/api/method/ping"; then break; fi
	if ! kill -0 "$SERVER" 2>/dev/null; then echo "server did not start:"; cat "$ARTIFACTS/my-social-server.log"; exit 1; fi
	sleep 1
done

SITE="$SITE" PORT="$PORT" ARTIFACTS="$ARTIFACTS" node "$HERE/my_social.test.js"
