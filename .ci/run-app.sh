#!/usr/bin/env bash
# The README's run command. Until the desktop app lands it starts the headless server with a
# persistent database under .opsdeck/, and prints a viewer and an admin token to connect with.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --quiet -p opsdeck-server
bin=target/debug/opsdeck-server

data=.opsdeck
mkdir -p "$data"
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s "$data/jwt-secret" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n=' > "$data/jwt-secret")
  JWT_SECRET=$(cat "$data/jwt-secret")
fi
export JWT_SECRET
listen=${OPSDECK_LISTEN:-127.0.0.1:4000}

viewer=$("$bin" token --sub viewer --role viewer --name "Demo Viewer" --ttl 7d)
admin=$("$bin" token --sub admin --role admin --name "Demo Admin" --ttl 7d)
cat <<MSG

Opsdeck server on http://$listen  (database $data/opsdeck.db; Ctrl-C stops it)

viewer token: $viewer

admin token:  $admin

Connect with socket.io-client:
  io("http://$listen", { auth: { token: "<token>" } })
Health:  curl http://$listen/api/health
Users:   curl -H "Authorization: Bearer <admin token>" http://$listen/api/users

MSG
exec "$bin" serve --listen "$listen" --db "$data/opsdeck.db"
