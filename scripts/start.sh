#!/usr/bin/env bash
# The main job: installs what is missing, builds the extension, and opens it in a real VS Code
# (desktop `code` if there is one, else VS Code for the Web on http://127.0.0.1:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh sclang
if ! { command -v code >/dev/null 2>&1 && [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; } || [ "${SCLIVE_WEB:-}" = 1 ]; then
  bash scripts/install-code-server.sh
fi
node esbuild.js
rm -rf out
npx tsc -p tsconfig.test.json
exec node out/tools/openInVsCode.js
