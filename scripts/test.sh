#!/usr/bin/env bash
# Everything CI checks: types, unit tests, and the integration tests against a real scsynth.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p . --noEmit
rm -rf out
npx tsc -p tsconfig.test.json
npx mocha --config .mocharc.unit.json
npx mocha --config .mocharc.integration.json
