#!/usr/bin/env bash
# Build the whole book, every chapter executed, into _build/html.
# Chapters' outputs are cached (_build/.jupyter_cache): only changed chapters re-run.
# Any failing cell or Sphinx warning fails the build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
jupyter-book build . --warningiserror --keep-going "$@"
echo "tourbook: open $TOURBOOK_ROOT/_build/html/index.html"
