#!/usr/bin/env bash
# Browser test of the ideas portal: seed data, serve SITE on 127.0.0.1:PORT, run the test, stop the server.
#   browser-tests/ideas.run.sh ideas.localhost 8015
set -euo pipefail
exec "$(dirname "$0")/serve-and-test.sh" ideas social_crm.tests.ideas_seed.seed "${1:?usage: ideas.run.sh SITE PORT}" "${2:?usage: ideas.run.sh SITE PORT}"
