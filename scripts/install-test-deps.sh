#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's redis-server and
# redis-tools 7.0 (the oracle for interoperability tests and redis-benchmark/redis-cli), and the
# Lua engine build/lua.wasm (scripts/build-lua.sh, which installs its own toolchain).
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
# Python clients for tests/integration/{celery,rq,channels}.test.ts (for Debian's /usr/bin/python3).
for pkg in python3-celery python3-redis python3-rq python3-channels-redis python3-django-channels; do
  dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
bash "$(dirname "$0")/build-lua.sh"
