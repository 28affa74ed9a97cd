#!/usr/bin/env bash
# The whole book as one PDF (_build/pdf/tourbook.pdf): builds the book (cached; scripts/build-book.sh),
# then prints every page with its figures in Debian's Chromium and merges them (scripts/book_pdf.py).
# Arguments go to book_pdf.py, e.g. --frame 5 (the tours' time) or --paper Letter.
# TOURBOOK_REUSE_BUILD=1 skips the build when _build/html exists.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [ "${TOURBOOK_REUSE_BUILD:-}" != 1 ] || [ ! -f _build/html/index.html ]; then
  bash scripts/build-book.sh
fi
command -v chromium >/dev/null 2>&1 || [ -n "${TOURBOOK_CHROMIUM:-}" ] || {
  echo "tourbook: the PDF needs Debian's chromium (apt-get install chromium) or TOURBOOK_CHROMIUM" >&2
  exit 1
}
python scripts/book_pdf.py "$@"
