#!/usr/bin/env bash
# The README's run command: builds and opens the Opsdeck desktop app, which starts its
# embedded server with the simulator (200 vehicles around Riyadh, six KPI modules).
# Without a display it runs under Xvfb and saves a screenshot to .opsdeck/screenshot.png.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

(cd ui && npm run build >/dev/null)
cargo build --quiet -p opsdeck

echo "Opsdeck: embedded server on ${OPSDECK_LISTEN:-127.0.0.1:4700}; close the window (or Ctrl-C) to stop."
if [ -n "${DISPLAY:-}" ]; then
  exec bash .ci/desktop-env.sh target/debug/opsdeck
fi
mkdir -p .opsdeck
echo "No display: running under Xvfb; a screenshot is saved to .opsdeck/screenshot.png after 20 s."
exec bash .ci/desktop-env.sh bash -c '
  target/debug/opsdeck & app=$!
  trap "kill $app 2>/dev/null" INT TERM
  (sleep 20 && import -window root .opsdeck/screenshot.png && echo "screenshot: .opsdeck/screenshot.png") &
  wait $app'
