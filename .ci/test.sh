#!/usr/bin/env bash
# The README's test command: the UI's unit tests, every Rust test (unit and integration,
# against the real server), the socket.io-client suite against the real opsdeck-server, and
# the end-to-end tests of the real desktop app (Xvfb + tauri-driver).
set -uo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh || exit 1
# setup.sh runs with `set -e`, which sourcing carries over: without this, a summary grep that
# matches nothing (e.g. no "failed" in an all-green vitest run) would end the script silently.
set +e
export PATH="$HOME/.cargo/bin:$PATH"

logs=$(mktemp -d)
status=0

echo "== ui: unit tests, type check and build"
(cd ui && NO_COLOR=1 npm test 2>&1) | tee "$logs/ui.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
(cd ui && npm run check 2>&1 | tail -3) | tee "$logs/ui-check.log"
grep -q "found 0 errors and 0 warnings" "$logs/ui-check.log" || { echo "ui type check failed"; status=1; }
(cd ui && npm run build >/dev/null) || { echo "ui build failed"; exit 1; }

echo "== cargo test (workspace)"
cargo build --workspace --all-targets --quiet || exit 1
cargo test --workspace 2>&1 | tee "$logs/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== socket.io-client suite (tests/js)"
export OPSDECK_SERVER_BIN="$PWD/target/debug/opsdeck-server"
(cd tests/js && npm test 2>&1) | tee "$logs/js.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== benchmark smoke (opsdeck-bench, both servers, small N; counts only, no timings)"
bash .ci/bench-smoke.sh 2>&1 | tee "$logs/bench.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== desktop app end to end (tests/e2e)"
export OPSDECK_APP_BIN="$PWD/target/debug/opsdeck"
(cd tests/e2e && bash ../../.ci/desktop-env.sh npm test 2>&1) | tee "$logs/e2e.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# Strip colour codes (vitest colours its summary even when piped).
for f in "$logs"/*.log; do sed -i 's/\x1b\[[0-9;]*m//g' "$f"; done
sum() { grep -o "[0-9]* $1" "$2" | awk '{s+=$1} END {print s+0}'; }
node_count() { grep -E "^ℹ $1 [0-9]+" "$2" | awk '{print $3}' | tail -1; }
ui_pass=$(grep -E "^\s+Tests\s+" "$logs/ui.log" | grep -o "[0-9]* passed" | awk '{print $1}' | tail -1)
ui_fail=$(grep -E "^\s+Tests\s+" "$logs/ui.log" | grep -o "[0-9]* failed" | awk '{print $1}' | tail -1)
rust_pass=$(sum passed "$logs/cargo.log")
rust_fail=$(sum failed "$logs/cargo.log")
js_pass=$(node_count pass "$logs/js.log")
js_fail=$(node_count fail "$logs/js.log")
e2e_pass=$(node_count pass "$logs/e2e.log")
e2e_fail=$(node_count fail "$logs/e2e.log")
bench_pass=$(grep -cE "^bench smoke: ok" "$logs/bench.log")
bench_fail=$((1 - bench_pass))
for v in ui_pass ui_fail js_pass js_fail e2e_pass e2e_fail; do
  [ -n "${!v}" ] || printf -v "$v" 0
done
[ "$js_pass" -gt 0 ] && [ "$e2e_pass" -gt 0 ] && [ "$ui_pass" -gt 0 ] || status=1
echo "ui: $ui_pass passed, $ui_fail failed; rust: $rust_pass passed, $rust_fail failed;" \
  "js: $js_pass passed, $js_fail failed; bench smoke: $bench_pass passed, $bench_fail failed;" \
  "e2e: $e2e_pass passed, $e2e_fail failed"
echo "$((ui_pass + rust_pass + js_pass + bench_pass + e2e_pass)) passed," \
  "$((ui_fail + rust_fail + js_fail + bench_fail + e2e_fail)) failed"
exit $status
