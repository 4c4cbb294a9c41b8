#!/usr/bin/env bash
# SIGKILLs a scorer in the middle of a job 50 times (two API processes, two scorers, one
# PostgreSQL) and prints how long each killed job took to end with its one result elsewhere.
# The same test runs with 10 kills in `npm test`. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
FLEET_KILLS="${FLEET_KILLS:-50}" node_modules/.bin/node --experimental-vm-modules node_modules/jest/bin/jest.js \
  test/e2e/scorer-fleet.e2e-spec.ts --selectProjects e2e -t 'SIGKILLed'
