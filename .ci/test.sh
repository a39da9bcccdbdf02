#!/usr/bin/env bash
# The README's test command: every Rust test (unit and integration, against the real server)
# and the socket.io-client suite against the real opsdeck-server binary.
set -uo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh || exit 1
export PATH="$HOME/.cargo/bin:$PATH"

logs=$(mktemp -d)
status=0

echo "== cargo test (workspace)"
cargo build --workspace --all-targets --quiet || exit 1
cargo test --workspace 2>&1 | tee "$logs/cargo.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

echo "== socket.io-client suite (tests/js)"
export OPSDECK_SERVER_BIN="$PWD/target/debug/opsdeck-server"
(cd tests/js && npm test 2>&1) | tee "$logs/js.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

rust_pass=$(grep -o '[0-9]* passed' "$logs/cargo.log" | awk '{s+=$1} END {print s+0}')
rust_fail=$(grep -o '[0-9]* failed' "$logs/cargo.log" | awk '{s+=$1} END {print s+0}')
js_pass=$(grep -E '^ℹ pass [0-9]+' "$logs/js.log" | awk '{print $3}' | tail -1)
js_fail=$(grep -E '^ℹ fail [0-9]+' "$logs/js.log" | awk '{print $3}' | tail -1)
js_pass=${js_pass:-0}
js_fail=${js_fail:-0}
[ "$js_pass" -gt 0 ] || status=1
echo "rust: $rust_pass passed, $rust_fail failed; js: $js_pass passed, $js_fail failed"
echo "$((rust_pass + js_pass)) passed, $((rust_fail + js_fail)) failed"
exit $status
