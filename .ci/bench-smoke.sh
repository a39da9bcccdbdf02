#!/usr/bin/env bash
# Smoke run of opsdeck-bench (issue #7): every socket scenario at small N for a few seconds,
# against both opsdeck-server and the Node.js peer, asserting counts only (every socket
# connected, no broadcast lost, every report acked, live tracking updates all delivered),
# never timings. Debug builds, so it fits in CI; BENCHMARKS.md is not touched.
# The desktop scenario is left out (it needs the e2e environment and takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

# The same build as the test command's (`-p` selections unify features differently and would
# recompile a third of the dependency tree).
cargo build --workspace --all-targets --quiet
(cd bench/node-peer && { [ -d node_modules/socket.io ] || npm ci --no-audit --no-fund --loglevel=error; })

start=$(date +%s)
if target/debug/opsdeck-bench all --quick --no-write --check --max-seconds 300 \
    --server-bin target/debug/opsdeck-server; then
  echo "bench smoke: ok in $(( $(date +%s) - start )) s"
  echo "1 passed, 0 failed"
else
  echo "bench smoke: FAILED"
  echo "0 passed, 1 failed"
  exit 1
fi
