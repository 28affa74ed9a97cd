#!/usr/bin/env bash
# Read and run the book live in JupyterLab, as on Binder:
#   * the environment (.venv, pinned requirements; scripts/env.sh), then
#   * the book's notebook settings (scripts/lab/, the same files Binder's postBuild installs):
#     book/*.md open as notebooks (jupytext) with their MyST rendered (jupyterlab-myst), and saving
#     a chapter without edits leaves its file as it is;
#   * your own copies to work in: scratch/<chapter>.ipynb (git-ignored), made once from book/*.md,
#     so your cells never end up in the book's sources (delete a copy to get a fresh one);
#   * then `jupyter lab` in the repository; extra arguments go to it (e.g. --no-browser --port=8899).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p scratch
for md in book/*.md; do
  grep -q '^```{code-cell}' "$md" || continue
  nb="scratch/$(basename "${md%.md}").ipynb"
  [ -e "$nb" ] || jupytext --quiet --to ipynb --output "$nb" "$md"
done
export JUPYTER_CONFIG_PATH="$TOURBOOK_ROOT/scripts/lab${JUPYTER_CONFIG_PATH:+:$JUPYTER_CONFIG_PATH}"
echo "tourbook: JupyterLab with the book's settings; chapters in book/, your copies in scratch/" >&2
exec jupyter lab --LabApp.app_settings_dir="$TOURBOOK_ROOT/scripts/lab/settings" "$@"
