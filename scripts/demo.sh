#!/usr/bin/env bash
# The main job until the VS Code surface lands: boot scsynth, play, show the tree and status, quit.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf out
npx tsc -p tsconfig.test.json
node out/tools/demo.js "$@"
