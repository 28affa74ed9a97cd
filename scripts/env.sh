# The project's environment: the virtual environment .venv (Python 3.11) with the pinned requirements,
# the data folder, and PATH. The scripts (build-book.sh, run-tests.sh, lab.sh, book-pdf.sh) source it.
#
# Safe to source from your own shell as well (`source scripts/env.sh`): it sets no shell option
# (no `set -e`), does not change directory, and on failure returns an error instead of exiting.
# Creates .venv on first use; re-installs only when pyproject.toml or constraints.txt changed.
TOURBOOK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOURBOOK_ROOT

_tourbook_env() {
  local venv="$TOURBOOK_ROOT/.venv" python=${PYTHON:-python3} stamp want
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null || {
      echo "tourbook needs Python 3.11 (PyTorch 2.13.0 wheels); set PYTHON=/path/to/python3.11" >&2
      return 1
    }
    "$python" -m venv "$venv" || return 1
  fi
  stamp="$venv/.tourbook-requirements"
  want=$(cat "$TOURBOOK_ROOT/pyproject.toml" "$TOURBOOK_ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "tourbook: installing pinned requirements into .venv (torch==2.13.0, jupyter-book==1.0.4.post1, ...)" >&2
    (cd "$TOURBOOK_ROOT" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      -c constraints.txt -e ".[book,live,test]") || return 1
    echo "$want" > "$stamp"
  fi
  # Data: use the offline copies beside the repository when they exist (see tourlib.data).
  if [ -z "${TOURBOOK_DATA:-}" ] && [ -d "$TOURBOOK_ROOT/../shared/data" ]; then
    TOURBOOK_DATA=$(cd "$TOURBOOK_ROOT/../shared/data" && pwd)
    export TOURBOOK_DATA
  fi
  case ":$PATH:" in
    *":$venv/bin:"*) ;;
    *) export PATH="$venv/bin:$PATH" ;;
  esac
}

if _tourbook_env; then _tourbook_rc=0; else _tourbook_rc=$?; fi
unset -f _tourbook_env
# `return` when sourced (the usual case); `exit` if someone runs this file as a program.
return "$_tourbook_rc" 2>/dev/null || exit "$_tourbook_rc"
