#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run the whole suite.
# Debian packages: chromium (browser tests), poppler-utils (PDF to PNG), libharfbuzz-subset0
# (faster PDF fonts), npm (for the hub test's proxy). Python packages: iopkit with its [test]
# extra (which has JupyterHub), in .venv. From the npm registry: configurable-http-proxy, in
# .hub-node/ (the hub test starts a real JupyterHub; it needs root to make its test accounts).
# axe-core is vendored (tests/browser/vendor/). Before the tests: ruff and mypy (in the [test] extra).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || need+=(libharfbuzz-subset0)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
[ -x .hub-node/node_modules/.bin/configurable-http-proxy ] || \
  npm install --silent --no-fund --no-audit --prefix .hub-node configurable-http-proxy >/dev/null
# Lint and types first (a few seconds): pyflakes, bugbear and sorted imports; mypy on the package.
# Settings in pyproject.toml ([tool.ruff], [tool.mypy]).
.venv/bin/ruff check toolkit tests benchmarks
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
