#!/usr/bin/env bash
# Installs what building and testing Opsdeck needs on a fresh Debian 12 (as root), and only
# what is missing: system packages, a Rust toolchain, Node.js, and the JS test packages.
# Safe to run repeatedly; the README's two commands call it first.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config libssl-dev ca-certificates curl
  # the desktop app (Tauri 2 on WebKitGTK 4.1) and its headless test environment
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb x11-utils webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools imagemagick
)

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

# Node packages, from their lock files: the UI, the socket.io-client suite, the e2e suite.
for dir in ui tests/js tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: installing node packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done

# WebDriver front for the desktop app (prebuilt WebKitWebDriver comes from webkit2gtk-driver).
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
