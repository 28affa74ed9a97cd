#!/usr/bin/env bash
# Build the whole book, every chapter executed, into _build/html.
# Chapters' outputs are cached (_build/.jupyter_cache): only changed chapters re-run.
# Any failing cell or Sphinx warning fails the build.
source "$(dirname "$0")/env.sh"
jupyter-book build . --warningiserror --keep-going "$@"
echo "tourbook: open $TOURBOOK_ROOT/_build/html/index.html"
