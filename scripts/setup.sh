#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian/Ubuntu machine, and nothing twice:
# scsynth and JACK from the distribution's packages, then the npm packages (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v scsynth >/dev/null 2>&1 || missing+=(supercollider-server)
{ command -v jackd >/dev/null 2>&1 && command -v jack_wait >/dev/null 2>&1; } || missing+=(jackd2)
for extra in "$@"; do
  case "$extra" in
    sclang) command -v sclang >/dev/null 2>&1 || missing+=(supercollider-language) ;;
    supernova) command -v supernova >/dev/null 2>&1 || missing+=(supercollider-supernova) ;;
  esac
done

bash scripts/apt-install.sh ${missing[@]+"${missing[@]}"}

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
