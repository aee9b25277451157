#!/usr/bin/env bash
# One browser test: seed SITE with SEED_METHOD, serve it on 127.0.0.1:PORT (gunicorn), run
# NAME.test.js against it with headless Chromium, stop the server. The runners call this:
#   browser-tests/serve-and-test.sh NAME SEED_METHOD SITE PORT
# The seed's last JSON line (if any) reaches the test as $SEED.
set -euo pipefail

NAME=${1:?usage: serve-and-test.sh NAME SEED_METHOD SITE PORT}
SEED_METHOD=${2:?usage: serve-and-test.sh NAME SEED_METHOD SITE PORT}
SITE=${3:?usage: serve-and-test.sh NAME SEED_METHOD SITE PORT}
PORT=${4:?usage: serve-and-test.sh NAME SEED_METHOD SITE PORT}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
BENCH=${BENCH:-/opt/frappe-bench}
ARTIFACTS=${ARTIFACTS:-$REPO/artifacts}
LOG="$ARTIFACTS/$NAME-server.log"
mkdir -p "$ARTIFACTS"

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
	(cd "$HERE" && npm ci --no-audit --no-fund)
fi

echo "Seeding $SITE"
SEED=$(cd "$BENCH" && "${BENCH_CLI:-bench}" --site "$SITE" execute "$SEED_METHOD" | { grep '^{' || true; } | tail -1)
[ -n "$SEED" ] && echo "Seeded: $SEED"

echo "Serving $SITE on 127.0.0.1:$PORT"
(cd "$BENCH" && exec env/bin/gunicorn -b "127.0.0.1:$PORT" -w 2 -t 120 --chdir sites \
	'frappe.app:application_with_statics()' --preload) >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
	if curl -sf -o /dev/null -H "Host: $SITE" "http://127.0.0.1:$PORT/api/method/ping"; then break; fi
	if ! kill -0 "$SERVER" 2>/dev/null; then echo "server did not start:"; cat "$LOG"; exit 1; fi
	sleep 1
done

SITE="$SITE" PORT="$PORT" ARTIFACTS="$ARTIFACTS" SEED="$SEED" node "$HERE/$NAME.test.js"
