#!/usr/bin/env bash
# Everything CI checks: types, lint (bugs, import boundaries, formatting), unit tests, integration
# tests against a real scsynth, and the extension's tests inside a real VS Code (code-server +
# headless Chromium here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh sclang supernova
bash scripts/install-code-server.sh
npx tsc -p . --noEmit
npm run lint
node esbuild.js
rm -rf out
npx tsc -p tsconfig.test.json
npx mocha --config .mocharc.unit.json
npx mocha --config .mocharc.integration.json
node out/test/vscode/runInCodeServer.js
# The package a musician installs, built as the README says (no check skipped; contents: manifest unit test).
npm run package
