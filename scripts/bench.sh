#!/usr/bin/env bash
# Benchmark of the server core against bare baselines (see bench/bench.ts; --help for flags).
# Prints tables and writes out/bench-results.json; stops every process it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf out
npx tsc -p tsconfig.test.json
node out/bench/bench.js "$@"
