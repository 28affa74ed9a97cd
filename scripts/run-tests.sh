#!/usr/bin/env bash
# Run the test suite: library tests, JS-vs-Python tests (Node), and the browser tests, which
# build the book (reusing the execution cache) and open every page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "tourbook: installing ${need_apt[*]} (Debian packages) for the tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "tourbook: the tests need ${need_apt[*]}; install them (Debian: apt-get install ${need_apt[*]})" >&2
    exit 1
  fi
fi
# Two workers (pytest-xdist); the book is built once (tests/conftest.py: built_book holds a lock).
# TOURBOOK_TEST_WORKERS=0 runs the suite in one process.
workers=${TOURBOOK_TEST_WORKERS:-2}
if [ "$workers" = 0 ]; then
  python -m pytest "$@"
else
  python -m pytest -n "$workers" --dist loadgroup "$@"
fi
