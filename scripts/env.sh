# Sourced by the build and test scripts: the project's virtual environment and settings.
# Creates .venv (Python 3.11) on first use and installs the pinned requirements; later runs
# re-install only when pyproject.toml or constraints.txt changed.
set -euo pipefail
TOURBOOK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOURBOOK_ROOT"
VENV="$TOURBOOK_ROOT/.venv"
PYTHON=${PYTHON:-python3}
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" - <<'PY' || { echo "tourbook needs Python 3.11 (PyTorch 2.13.0 wheels); set PYTHON=/path/to/python3.11" >&2; exit 1; }
import sys; sys.exit(sys.version_info[:2] != (3, 11))
PY
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.tourbook-requirements"
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "tourbook: installing pinned requirements into .venv (torch==2.13.0, jupyter-book==1.0.4.post1, ...)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[book,live,test]"
  echo "$want" > "$stamp"
fi
# Data: use the offline copies beside the repository when they exist (see tourlib.data).
if [ -z "${TOURBOOK_DATA:-}" ] && [ -d "$TOURBOOK_ROOT/../shared/data" ]; then
  TOURBOOK_DATA=$(cd "$TOURBOOK_ROOT/../shared/data" && pwd)
  export TOURBOOK_DATA
fi
export PATH="$VENV/bin:$PATH"
