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
  esac
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
    echo "Installing ${missing[*]} from Debian's packages..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing: ${missing[*]}." >&2
    echo "Install them with: sudo apt-get install ${missing[*]}" >&2
    echo "(macOS/Windows: install SuperCollider from https://supercollider.github.io/downloads)" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
