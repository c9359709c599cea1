#!/usr/bin/env bash
# Rebuild the compiled SynthDefs (synthdefs/*.scsyndef) from their sources (synthdefs/*.scd) with a headless sclang.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
defdir="$root/synthdefs"

sclang="${SCLANG:-}"
if [[ -z "$sclang" ]]; then
  sclang="$(command -v sclang || true)"
fi
if [[ -z "$sclang" || ! -x "$sclang" ]]; then
  echo "sclang not found: install it with \`sudo apt-get install supercollider-language\` (Debian/Ubuntu) or from supercollider.github.io" >&2
  exit 1
fi

export QT_QPA_PLATFORM=offscreen
export QTWEBENGINE_DISABLE_SANDBOX=1

shopt -s nullglob
sources=("$defdir"/*.scd)
if (( ${#sources[@]} == 0 )); then
  echo "no .scd sources in $defdir" >&2
  exit 1
fi

expected=(
  sclive_volume_1ch sclive_volume_2ch sclive_volume_4ch sclive_volume_8ch
  sclive_blip sclive_sine
)

# Remove old outputs so the check below cannot be satisfied by stale files.
for name in "${expected[@]}"; do
  rm -f "$defdir/$name.scsyndef"
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Note: sclang compiles a whole file as one chunk; a syntax error makes it
# hang silently (no 0.exit reached), which the timeout turns into a failure.
for src in "${sources[@]}"; do
  echo "building ${src#"$root"/}"
  if ! timeout 60 "$sclang" "$src" </dev/null >"$log" 2>&1; then
    echo "sclang failed (or timed out) on ${src#"$root"/}; log:" >&2
    cat "$log" >&2
    exit 1
  fi
done

missing=0
for name in "${expected[@]}"; do
  f="$defdir/$name.scsyndef"
  if [[ -s "$f" ]]; then
    echo "wrote ${f#"$root"/} ($(wc -c <"$f") bytes)"
  else
    echo "missing or empty: ${f#"$root"/}" >&2
    missing=1
  fi
done
exit "$missing"
