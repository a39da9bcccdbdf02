#!/usr/bin/env bash
# Runs a command with what the desktop app needs on a headless machine: a D-Bus session with
# an unlocked Secret Service (gnome-keyring) for the OS keyring when there is none, and an X
# display (Xvfb) when DISPLAY is unset. Usage: bash .ci/desktop-env.sh CMD [ARGS...]
set -euo pipefail

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec dbus-run-session -- bash "$0" "$@"
fi

if [ -z "${OPSDECK_KEYRING_UP:-}" ] && command -v gnome-keyring-daemon >/dev/null; then
  export OPSDECK_KEYRING_UP=1
  # A throwaway keyring unlocked with a random password when the session has none.
  if ! busctl --user status org.freedesktop.secrets >/dev/null 2>&1; then
    XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
    export XDG_DATA_HOME
    head -c 24 /dev/urandom | base64 | tr -d '\n' |
      gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  fi
fi

if [ -z "${DISPLAY:-}" ]; then
  display=":$(( 90 + RANDOM % 9 ))"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap 'kill $xvfb_pid 2>/dev/null || true' EXIT
  export DISPLAY="$display"
  for _ in $(seq 1 50); do
    xdpyinfo -display "$DISPLAY" >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

"$@"
