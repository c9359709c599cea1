#!/usr/bin/env bash
# Installs Debian packages when this user may (root, or sudo without a password); otherwise
# says exactly what to install and fails. Usage: apt-install.sh PACKAGE...
set -euo pipefail
[ $# -gt 0 ] || exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if command -v apt-get >/dev/null 2>&1 && { [ -z "$sudo" ] || sudo -n true 2>/dev/null; }; then
  echo "Installing $* from Debian's packages..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
else
  echo "Missing: $*." >&2
  echo "Install them with: sudo apt-get install $*" >&2
  echo "(macOS/Windows: install SuperCollider from https://supercollider.github.io/downloads)" >&2
  exit 1
fi
