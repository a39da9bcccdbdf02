#!/usr/bin/env bash
# Installs what building and testing Opsdeck needs on a fresh Debian 12 (as root), and only
# what is missing: system packages, a Rust toolchain, Node.js, and the JS test packages.
# Safe to run repeatedly; the README's two commands call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(build-essential pkg-config libssl-dev ca-certificates curl)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
  else
    echo "setup: installing the Rust toolchain (rustup)"
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >/dev/null
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
fi

# JS test packages (socket.io-client), from the lock file.
if [ ! -d tests/js/node_modules/socket.io-client ]; then
  echo "setup: installing JS test packages"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi
