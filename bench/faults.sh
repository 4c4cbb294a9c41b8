#!/usr/bin/env bash
# The fault figures of the attack suite (issue #11), at full size:
#  1. PostgreSQL stopped while 50 submissions are in flight, clients asking all along, then started
#     again (test/attack/postgres-restart.attack-spec.ts): the errors clients saw during the outage
#     by route, status and code, the slowest refusal, how long the API took to be ready again, the
#     first result after the restart, when every submission had ended, results per submission.
#  2. A scorer SIGKILLed mid-job 50 times (bench/scorer-kills.sh): kill → result, median and max.
# Needs `npm run build` first. FAULT_SUBMISSIONS, FAULT_OUTAGE_MS and FLEET_KILLS change the sizes;
# SKIP_KILLS=1 runs only the first.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GiB," \
  "Node $(node_modules/.bin/node -v), $(date -u +%Y-%m-%dT%H:%MZ)"
FAULT_SUBMISSIONS="${FAULT_SUBMISSIONS:-50}" FAULT_OUTAGE_MS="${FAULT_OUTAGE_MS:-4000}" node_modules/.bin/node --experimental-vm-modules \
  node_modules/jest/bin/jest.js test/attack/postgres-restart.attack-spec.ts --selectProjects attack 2>&1 |
  grep -E '^\[faults\]|✓|✕|^Tests:'
if [ -z "${SKIP_KILLS:-}" ]; then
  FLEET_KILLS="${FLEET_KILLS:-50}" bench/scorer-kills.sh 2>&1 | grep -E '^\[fleet\]|✓|✕|^Tests:'
fi
