#!/usr/bin/env bash
# Installs VS Code for the Web (code-server 4.100.3 = VS Code 1.100.3) from the npm registry
# into .vscode-test/, with headless Chromium from Debian, for the tests that run the extension
# in a real VS Code here. code-server's own install scripts download from GitHub and refuse
# root, so they are skipped and their work is done by hand. Cached: a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.100.3
dir=.vscode-test/code-server-$version
bin=$dir/node_modules/.bin/code-server

missing=()
for tool in rg:ripgrep chromium:chromium; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
[ -f /usr/include/krb5.h ] || [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
bash scripts/apt-install.sh ${missing[@]+"${missing[@]}"}

if [ -x "$bin" ] && [ -f "$dir/.complete" ]; then
  exit 0
fi

echo "Installing code-server $version into $dir (about a minute)..."
rm -rf "$dir"
mkdir -p "$dir"
(cd "$dir" && echo '{"name":"code-server-cache","private":true}' > package.json \
  && npm install --no-audit --no-fund --ignore-scripts "code-server@$version" >/dev/null)
vs=$dir/node_modules/code-server/lib/vscode
(cd "$vs" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)
(cd "$vs" && npm_config_yes=true npm rebuild node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid kerberos >/dev/null)
mkdir -p "$vs/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$vs/node_modules/@vscode/ripgrep/bin/rg"
ln -sfn node_modules "$vs/node_modules.asar"
ln -sf code-linux.sh "$vs/bin/remote-cli/code-server"
ln -sf browser-linux.sh "$vs/bin/helpers/browser.sh"
(cd "$vs/extensions" && npm install --no-audit --no-fund --omit=dev --ignore-scripts >/dev/null)
(cd "$dir" && npm_config_yes=true npm rebuild argon2 >/dev/null)
"$bin" --version
touch "$dir/.complete"
