#!/usr/bin/env bash
# Browser test of /my-social (a person manages their social data): seed data, serve SITE on 127.0.0.1:PORT, run the test, stop the server.
#   browser-tests/my_social.run.sh my-social.localhost 8016
set -euo pipefail
exec "$(dirname "$0")/serve-and-test.sh" my_social social_crm.tests.my_social_seed.seed "${1:?usage: my_social.run.sh SITE PORT}" "${2:?usage: my_social.run.sh SITE PORT}"
