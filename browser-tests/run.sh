#!/usr/bin/env bash
# Browser test of the insight UI: seed data, serve SITE on 127.0.0.1:PORT, run the test, stop the server.
#   browser-tests/run.sh insight.localhost 8014
set -euo pipefail
exec "$(dirname "$0")/serve-and-test.sh" insight social_crm.tests.browser_seed.seed "${1:?usage: run.sh SITE PORT}" "${2:?usage: run.sh SITE PORT}"
